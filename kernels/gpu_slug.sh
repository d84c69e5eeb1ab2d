# gpu_slug.sh: sourced by the kernels/ scripts that name measurement files. gpu_slug prints this
# machine's first GPU as those names spell it: nvidia-smi's name in lower case, every run of other
# characters one '-' ("NVIDIA H200" -> nvidia-h200; kernels/profile.py spells it the same way).
gpu_slug() {
    nvidia-smi --query-gpu=name --format=csv,noheader | head -1 | tr 'A-Z' 'a-z' | sed -E 's/[^a-z0-9]+/-/g; s/^-//; s/-$//'
}
