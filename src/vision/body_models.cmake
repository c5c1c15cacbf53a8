# Included from src/vision/CMakeLists.txt: the model registry, faces, the
# embedder, body attributes and DetectChefDress/DetectSecurity, with tests.
target_sources(kanjian_vision PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/attribute_builtin.cc
  ${CMAKE_CURRENT_LIST_DIR}/attribute_classifier.cc
  ${CMAKE_CURRENT_LIST_DIR}/attribute_head.cc
  ${CMAKE_CURRENT_LIST_DIR}/attribute_training.cc
  ${CMAKE_CURRENT_LIST_DIR}/body_recognizer.cc
  ${CMAKE_CURRENT_LIST_DIR}/embedder.cc
  ${CMAKE_CURRENT_LIST_DIR}/face_detector.cc
  ${CMAKE_CURRENT_LIST_DIR}/model_registry.cc
)
target_link_libraries(kanjian_vision PUBLIC nlohmann_json::nlohmann_json)

if(NOT DEFINED GTest_FOUND)
  find_package(GTest QUIET)
endif()
if(GTest_FOUND)
  include(GoogleTest)
  add_executable(vision_body_test
    ${CMAKE_CURRENT_LIST_DIR}/attribute_head_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/body_recognizer_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/embedder_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/face_detector_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/model_registry_test.cc
  )
  target_link_libraries(vision_body_test PRIVATE kanjian_vision GTest::gtest_main)
  target_compile_definitions(vision_body_test PRIVATE
    KANJIAN_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  gtest_discover_tests(vision_body_test DISCOVERY_MODE PRE_TEST PROPERTIES LABELS vision)
endif()
