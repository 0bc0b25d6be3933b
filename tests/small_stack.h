// OnSmallStack: runs a function on a thread with a small stack, so a test can
// show that a recursive walk fits far less than a server thread's 8 MiB. An
// overflow crashes the test binary (a failure ctest reports), never passes.
#pragma once

#include <pthread.h>

#include <catch2/catch.hpp>
#include <cstddef>
#include <functional>

namespace skiff::testing {

inline void OnSmallStack(size_t bytes, const std::function<void()>& fn) {
  pthread_attr_t attr;
  REQUIRE(pthread_attr_init(&attr) == 0);
  REQUIRE(pthread_attr_setstacksize(&attr, bytes) == 0);
  pthread_t thread;
  auto run = [](void* arg) -> void* {
    (*static_cast<const std::function<void()>*>(arg))();
    return nullptr;
  };
  REQUIRE(pthread_create(&thread, &attr, run, const_cast<std::function<void()>*>(&fn)) == 0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
}

}  // namespace skiff::testing
