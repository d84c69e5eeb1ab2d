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
    // Sizes the fonts and the style for the window's size and DPI (ui_scale) and starts a frame.
    void begin_frame(bool projector);
    // Resizes the window and waits until its framebuffer has that size (headless captures).
    void resize(int width, int height);
    float font_px() const { return font_px_; }
    void render();  // draws ImGui's draw data into the back buffer
    void swap();
    // The back buffer just rendered, RGBA rows top to bottom.
    std::vector<uint8_t> read_pixels(int& width, int& height) const;

private:
    GLFWwindow* win_ = nullptr;
    void set_fonts(float px, bool projector);
    float font_px_ = 0;
    bool projector_ = false;
};

// The font size in pixels for a window of width x height pixels at a DPI content scale: 16 px at
// 1600x1000 and 100 %, growing with the window (up to 3x) and the DPI, never below 13 px; the
// projector mode is 1.35x larger.
float ui_font_px(int width, int height, float content_scale, bool projector);

// Writes an RGBA image as PNG, atomically (stb_image_write, then a rename).
void write_png(const std::string& path, int width, int height, const std::vector<uint8_t>& rgba);

}  // namespace flashsim::viz
