// window.cpp: GLFW + Dear ImGui (GLFW and OpenGL 3 backends) setup, fonts and styles, frame
// rendering and read-back, PNG output.
#include "viz/window.h"

#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>
#include <algorithm>
#include <cmath>
#include <stb_image_write.h>
#include <stdexcept>
#include <sys/stat.h>

#include "sim/cli/options.h"

namespace flashsim::viz {

namespace {

const char* kFont = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

void glfw_error(int code, const char* what) { (void)code, (void)what; }

void style(bool projector, float scale) {
    ImGuiStyle& st = ImGui::GetStyle();
    st = ImGuiStyle();
    ImGui::StyleColorsDark(&st);
    st.WindowRounding = 0;
    st.FrameRounding = 3;
    st.ScaleAllSizes(scale);
    if (projector) {
        // High contrast for a projector: black background, white text, brighter frames.
        st.Colors[ImGuiCol_WindowBg] = ImVec4(0, 0, 0, 1);
        st.Colors[ImGuiCol_ChildBg] = ImVec4(0, 0, 0, 1);
        st.Colors[ImGuiCol_Text] = ImVec4(1, 1, 1, 1);
        st.Colors[ImGuiCol_FrameBg] = ImVec4(0.25f, 0.25f, 0.3f, 1);
        st.Colors[ImGuiCol_Border] = ImVec4(0.8f, 0.8f, 0.8f, 1);
    }
}

}  // namespace

Window::Window(int width, int height, const char* title) {
    glfwSetErrorCallback(glfw_error);
    if (!glfwInit()) throw std::runtime_error("cannot open a window (no display? run it under xvfb-run for headless use)");
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    glfwWindowHint(GLFW_RESIZABLE, GLFW_TRUE);
    win_ = glfwCreateWindow(width, height, title, nullptr, nullptr);
    if (!win_) {
        glfwTerminate();
        throw std::runtime_error("cannot create an OpenGL 3.3 window");
    }
    glfwMakeContextCurrent(win_);
    glfwSwapInterval(0);
    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // the same layout every start (and every screenshot)
    ImGui_ImplGlfw_InitForOpenGL(win_, true);
    ImGui_ImplOpenGL3_Init("#version 330");
}

float ui_font_px(int width, int height, float content_scale, bool projector) {
    const float cs = content_scale > 0 ? content_scale : 1.0f;
    // The window in logical pixels (as at 100 %), against the 1600x1000 the layout was drawn for.
    const float fit = std::min(float(width) / cs / 1600.0f, float(height) / cs / 1000.0f);
    const float px = 16.0f * std::clamp(fit, 0.8f, 3.0f) * cs * (projector ? 1.35f : 1.0f);
    return std::max(13.0f, std::round(px));
}

void Window::set_fonts(float px, bool projector) {
    // One font at the size in use: rebuilding the atlas on a size change keeps glyphs sharp.
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    ImFont* f = nullptr;
    struct stat st {};
    if (::stat(kFont, &st) == 0) f = io.Fonts->AddFontFromFileTTF(kFont, px);
    if (!f) {
        ImFontConfig cfg;
        cfg.SizePixels = px;
        f = io.Fonts->AddFontDefault(&cfg);
    }
    io.FontDefault = f;
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
    style(projector, px / 16.0f);
    font_px_ = px;
    projector_ = projector;
}

void Window::resize(int width, int height) {
    glfwSetWindowSize(win_, width, height);
    for (int i = 0; i < 200; ++i) {
        int w = 0, h = 0;
        glfwGetFramebufferSize(win_, &w, &h);
        if (w == width && h == height) return;
        glfwWaitEventsTimeout(0.01);
    }
    throw std::runtime_error("the window could not be resized to " + std::to_string(width) + "x" + std::to_string(height) +
                             " (is the X screen large enough?)");
}

Window::~Window() {
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(win_);
    glfwTerminate();
}

bool Window::should_close() const { return glfwWindowShouldClose(win_); }

void Window::poll(bool wait, double timeout_s) {
    if (wait) glfwWaitEventsTimeout(timeout_s);
    else glfwPollEvents();
}

void Window::begin_frame(bool projector) {
    int w = 0, h = 0;
    glfwGetFramebufferSize(win_, &w, &h);
    float xs = 1, ys = 1;
    glfwGetWindowContentScale(win_, &xs, &ys);
    const float px = ui_font_px(w, h, std::max(xs, ys), projector);
    if (px != font_px_ || projector != projector_) set_fonts(px, projector);
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();
}

void Window::render() {
    ImGui::Render();
    int w = 0, h = 0;
    glfwGetFramebufferSize(win_, &w, &h);
    glViewport(0, 0, w, h);
    glClearColor(0.08f, 0.08f, 0.1f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
}

void Window::swap() { glfwSwapBuffers(win_); }

std::vector<uint8_t> Window::read_pixels(int& width, int& height) const {
    glfwGetFramebufferSize(win_, &width, &height);
    std::vector<uint8_t> px(size_t(width) * size_t(height) * 4);
    glFinish();
    glReadBuffer(GL_BACK);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, px.data());
    // OpenGL's rows run bottom to top; PNG's top to bottom.
    const size_t row = size_t(width) * 4;
    for (int y = 0; y < height / 2; ++y)
        std::swap_ranges(px.begin() + long(size_t(y) * row), px.begin() + long(size_t(y + 1) * row),
                         px.begin() + long(size_t(height - 1 - y) * row));
    for (size_t i = 3; i < px.size(); i += 4) px[i] = 255;  // opaque, whatever the framebuffer's alpha
    return px;
}

void write_png(const std::string& path, int width, int height, const std::vector<uint8_t>& rgba) {
    // RGB: the alpha channel is always opaque, and the files are smaller without it.
    std::vector<uint8_t> rgb(size_t(width) * size_t(height) * 3);
    for (size_t i = 0, j = 0; j < rgb.size(); i += 4, j += 3) rgb[j] = rgba[i], rgb[j + 1] = rgba[i + 1], rgb[j + 2] = rgba[i + 2];
    std::string bytes;
    auto sink = [](void* ctx, void* data, int size) { static_cast<std::string*>(ctx)->append(static_cast<char*>(data), size_t(size)); };
    if (!stbi_write_png_to_func(sink, &bytes, width, height, 3, rgb.data(), width * 3))
        throw std::runtime_error("cannot encode the PNG for '" + path + "'");
    cli::write_output(path, bytes);
}

}  // namespace flashsim::viz
