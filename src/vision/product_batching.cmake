# DetectProduct/DetectProductBeta (taxonomy, SKU gallery) and the detector's
# micro-batcher (sources + their test binary). Included from CMakeLists.txt.
target_sources(kanjian_vision PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/detect_batcher.cc
  ${CMAKE_CURRENT_LIST_DIR}/product_gallery.cc
  ${CMAKE_CURRENT_LIST_DIR}/product_recognizer.cc
  ${CMAKE_CURRENT_LIST_DIR}/product_taxonomy.cc
)
find_package(nlohmann_json REQUIRED)
target_link_libraries(kanjian_vision PRIVATE nlohmann_json::nlohmann_json)

if(NOT DEFINED GTest_FOUND)
  find_package(GTest QUIET)
endif()
if(GTest_FOUND)
  include(GoogleTest)
  add_executable(product_test
    ${CMAKE_CURRENT_LIST_DIR}/detect_batcher_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/product_gallery_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/product_taxonomy_test.cc
  )
  target_link_libraries(product_test PRIVATE kanjian_vision GTest::gtest_main nlohmann_json::nlohmann_json)
  target_compile_definitions(product_test PRIVATE KANJIAN_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  gtest_discover_tests(product_test DISCOVERY_MODE PRE_TEST PROPERTIES LABELS vision)
endif()
