// input_file.cpp: bounded reading of user files (see input_file.h). POSIX: open, fstat, read.
#include "sim/core/input_file.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/core/errors.h"

namespace flashsim {

namespace {

// Closes the descriptor on every path out, exceptions included.
struct Fd {
    int fd;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

const char* kind_of(mode_t m) {
    if (S_ISDIR(m)) return "a directory";
    if (S_ISFIFO(m)) return "a FIFO";
    if (S_ISCHR(m)) return "a character device";
    if (S_ISBLK(m)) return "a block device";
    if (S_ISSOCK(m)) return "a socket";
    return "not a regular file";
}

}  // namespace

std::string describe_bytes(std::uintmax_t bytes) {
    if (bytes >= (std::uintmax_t(1) << 20) && bytes % (std::uintmax_t(1) << 20) == 0)
        return std::to_string(bytes >> 20) + " MiB";
    return std::to_string(bytes) + " bytes";
}

std::string read_input_file(const std::string& path, const std::string& what, std::uintmax_t max_bytes) {
    const std::string name = what + " '" + path + "'";
    if (path.empty()) throw ConfigError(what + ": the path is empty; allowed: a path to a regular file");
    Fd f{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC)};
    if (f.fd < 0) throw ConfigError(name + " cannot be read: " + std::strerror(errno));
    struct stat st {};
    if (::fstat(f.fd, &st) != 0) throw ConfigError(name + " cannot be read: " + std::strerror(errno));
    if (!S_ISREG(st.st_mode))
        throw ConfigError(name + " is " + kind_of(st.st_mode) + "; allowed: a regular file");
    if (std::uintmax_t(st.st_size) > max_bytes)
        throw ConfigError(name + " is " + std::to_string(std::uintmax_t(st.st_size)) + " bytes; allowed: at most " +
                          describe_bytes(max_bytes));
    std::string text;
    text.resize(size_t(st.st_size));
    size_t got = 0;
    for (;;) {
        if (got == text.size()) {  // the file may have grown since fstat: read on, up to the cap
            if (text.size() > max_bytes)
                throw ConfigError(name + " grew past " + describe_bytes(max_bytes) + " while being read");
            text.resize(std::min<std::uintmax_t>(max_bytes + 1, text.size() + 65536));
        }
        const ssize_t n = ::read(f.fd, &text[got], text.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw ConfigError(name + " cannot be read: " + std::strerror(errno));
        if (n == 0) break;
        got += size_t(n);
    }
    text.resize(got);
    if (text.size() > max_bytes)
        throw ConfigError(name + " is larger than " + describe_bytes(max_bytes) + "; allowed: at most that");
    return text;
}

}  // namespace flashsim
