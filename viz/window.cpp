// window.cpp: GLFW + Dear ImGui (GLFW and OpenGL 3 backends) setup, fonts and styles, frame
// rendering and read-back, PNG output.
#include "viz/window.h"

#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>
#include <stb_image_write.h>
#include <stdexcept>
#include <sys/stat.h>

#include "sim/cli/options.h"

namespace flashsim::viz {

namespace {

const char* kFont = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

void glfw_error(int code, const char* what) { (void)code, (void)what; }

void style(bool projector) {
    ImGuiStyle& st = ImGui::GetStyle();
    ImGui::StyleColorsDark(&st);
    st.WindowRounding = 0;
    st.FrameRounding = 3;
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
    struct stat st {};
    if (::stat(kFont, &st) == 0) {
        normal_ = io.Fonts->AddFontFromFileTTF(kFont, 16.0f);
        large_ = io.Fonts->AddFontFromFileTTF(kFont, 24.0f);
    }
    if (!normal_) {
        normal_ = io.Fonts->AddFontDefault();
        ImFontConfig big;
        big.SizePixels = 26.0f;
        large_ = io.Fonts->AddFontDefault(&big);
    }
    style(false);
    ImGui_ImplGlfw_InitForOpenGL(win_, true);
    ImGui_ImplOpenGL3_Init("#version 330");
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
    if (projector != projector_) {
        projector_ = projector;
        style(projector);
    }
    ImGui::GetIO().FontDefault = projector ? large_ : normal_;
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
