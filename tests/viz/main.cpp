// main.cpp: doctest main of the viewer's tests. With --needs-xvfb it first checks that xvfb-run
// exists and otherwise skips (exit 77, which ctest reports as skipped) with a message.
#define DOCTEST_CONFIG_IMPLEMENT
#include <cstdlib>
#include <cstring>
#include <doctest/doctest.h>
#include <iostream>
#include <vector>

int main(int argc, char** argv) {
    std::vector<char*> args;
    bool needs_xvfb = false;
    for (int i = 0; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--needs-xvfb")) needs_xvfb = true;
        else args.push_back(argv[i]);
    }
    if (needs_xvfb && std::system("command -v xvfb-run >/dev/null 2>&1") != 0) {
        std::cout << "skipped: xvfb-run not found; the viewer's rendering tests need it (Debian: xvfb, xauth)\n";
        return 77;
    }
    doctest::Context ctx(int(args.size()), args.data());
    return ctx.run();
}
