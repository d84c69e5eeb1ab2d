// window.h: the GLFW window, the Dear ImGui context and its OpenGL 3 renderer; frames are drawn to
// the window's default framebuffer, which headless runs (under Xvfb) read back with glReadPixels,
// so screenshots are exactly what the screen shows.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

struct GLFWwindow;
struct ImFont;

namespace flashsim::viz {

class Window {
public:
    Window(int width, int height, const char* title);  // throws std::runtime_error
    ~Window();
    Window(const Window&) = delete;
    Window& operator=(const Window&) = delete;

    bool should_close() const;
    void poll(bool wait, double timeout_s);
    void begin_frame(bool projector);
    void render();  // draws ImGui's draw data into the back buffer
    void swap();
    // The back buffer just rendered, RGBA rows top to bottom.
    std::vector<uint8_t> read_pixels(int& width, int& height) const;

private:
    GLFWwindow* win_ = nullptr;
    ImFont* normal_ = nullptr;
    ImFont* large_ = nullptr;
    bool projector_ = false;
};

// Writes an RGBA image as PNG, atomically (stb_image_write, then a rename).
void write_png(const std::string& path, int width, int height, const std::vector<uint8_t>& rgba);

}  // namespace flashsim::viz
