// A data race on purpose: tsan.race_canary expects ThreadSanitizer to report it, which proves that the tsan build
// instruments what it compiles and that a race is reported (a build that lost -fsanitize=thread fails that test).
#include <thread>

int main() {
  int counter = 0;
  std::thread other([&counter] { ++counter; });
  ++counter;  // unsynchronised with the other thread's increment: a race whatever the timing
  other.join();
  return counter == 2 ? 0 : 1;
}
