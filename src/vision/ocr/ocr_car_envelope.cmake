# Included from src/vision/CMakeLists.txt: PP-OCR, RecognizeCar(Pro) and
# DetectEnvelope sources in kanjian_vision, and their unit tests.
target_sources(kanjian_vision PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/ctc_decoder.cc
  ${CMAKE_CURRENT_LIST_DIR}/db_postprocess.cc
  ${CMAKE_CURRENT_LIST_DIR}/ocr_engine.cc
  ${CMAKE_CURRENT_LIST_DIR}/../vehicle_action.cc
  ${CMAKE_CURRENT_LIST_DIR}/../vehicle_color.cc
  ${CMAKE_CURRENT_LIST_DIR}/../vehicle_plate.cc
  ${CMAKE_CURRENT_LIST_DIR}/../vehicle_recognizer.cc
  ${CMAKE_CURRENT_LIST_DIR}/../envelope_recognizer.cc
)

if(NOT DEFINED GTest_FOUND)
  find_package(GTest QUIET)
endif()
if(GTest_FOUND)
  include(GoogleTest)
  add_executable(vision_ocr_test
    ${CMAKE_CURRENT_LIST_DIR}/ctc_decoder_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/db_postprocess_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/ocr_engine_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/../vehicle_plate_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/../vehicle_color_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/../vehicle_recognizer_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/../envelope_recognizer_test.cc
  )
  target_link_libraries(vision_ocr_test PRIVATE kanjian_vision GTest::gtest_main)
  # Where tests/eval/images lives (the committed evaluation images).
  target_compile_definitions(vision_ocr_test PRIVATE KANJIAN_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  gtest_discover_tests(vision_ocr_test DISCOVERY_MODE PRE_TEST PROPERTIES LABELS vision)
endif()
