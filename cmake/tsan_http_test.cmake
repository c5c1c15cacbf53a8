# The HTTP front and the rate limiters under ThreadSanitizer, without the
# rest of the server (its API pipeline, billing and vision wiring): the
# transport's own tests, linked against the transport's sources alone.
find_package(Boost 1.81 EXACT REQUIRED)
set(server_dir ${PROJECT_SOURCE_DIR}/src/server)
add_executable(http_tsan_test
  ${server_dir}/http/http_server.cc ${server_dir}/http/http_framing.cc ${server_dir}/http/http_router.cc
  ${server_dir}/limits/rate_limiter.cc ${server_dir}/http/http_server_test.cc ${server_dir}/limits/rate_limiter_test.cc)
target_include_directories(http_tsan_test PRIVATE ${PROJECT_SOURCE_DIR}/src)
target_link_libraries(http_tsan_test PRIVATE kanjian_protocol kanjian_common Boost::headers OpenSSL::SSL
  GTest::gtest_main)
gtest_discover_tests(http_tsan_test DISCOVERY_MODE PRE_TEST)
