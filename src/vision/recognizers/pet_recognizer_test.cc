#include "vision/recognizers/pet_recognizer.h"

#include <gtest/gtest.h>

namespace kanjian::vision {
namespace {

TEST(PetsFromDetections, KeepsCatsAndDogsBestFirst) {
  std::vector<Detection> d = {
      {16, "dog", 0.61f, {1, 2, 3, 4}},
      {0, "person", 0.99f, {0, 0, 9, 9}},
      {15, "cat", 0.876f, {5, 6, 7, 8}},
      {16, "dog", 0.2f, {0, 0, 1, 1}},
  };
  std::vector<Pet> pets = PetsFromDetections(d, 0.3f);
  ASSERT_EQ(pets.size(), 2u);
  EXPECT_EQ(pets[0].name, "cat");
  EXPECT_EQ(pets[0].score, 88);
  EXPECT_EQ(pets[0].location.x, 5);
  EXPECT_EQ(pets[0].location.height, 8);
  EXPECT_EQ(pets[1].name, "dog");
  EXPECT_EQ(pets[1].score, 61);
}

TEST(PetsFromDetections, NoneIsEmpty) {
  EXPECT_TRUE(PetsFromDetections({{2, "car", 0.9f, {}}}, 0.3f).empty());
}

}  // namespace
}  // namespace kanjian::vision
