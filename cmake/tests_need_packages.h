// Included into every test and benchmark source when CMake did not find
// GoogleTest, Google Benchmark and cpp-httplib at configure time: the server
// builds without them (scripts/setup.sh), the tests need them.
#error "the tests need libgtest-dev libgmock-dev libbenchmark-dev libcpp-httplib-dev: run scripts/test.sh, which installs them and builds every test"
