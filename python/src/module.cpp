// module.cpp: flashsim._core, the C++ library as a Python extension module. The library's
// ConfigError (bad configuration or input, one line naming the key, the value and what is
// allowed) becomes flashsim.ConfigError, a ValueError carrying the CLI's message.
#include <pybind11/pybind11.h>

#include "python/src/bind.h"
#include "sim/core/errors.h"

PYBIND11_MODULE(_core, m) {
    m.doc() = "flashsim's C++ simulator library (use the flashsim package, not this module)";
    pybind11::register_exception<flashsim::ConfigError>(m, "ConfigError", PyExc_ValueError);
    flashsim::python::bind_run(m);
    flashsim::python::bind_presets(m);
    flashsim::python::bind_crosscheck(m);
    flashsim::python::bind_homework(m);
    flashsim::python::bind_sweep(m);
}
