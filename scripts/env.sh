# Sourced by the project's scripts: the environment for wasm32 builds.
#
# Native builds use the default cargo (rustup's toolchain). wasm32 builds use rustup's toolchain too when it
# has the wasm32 target (then they share the native target dir); otherwise Debian's rustc-web 1.96 in
# /usr/bin, whose std scripts/setup.sh built for wasm32, with a target dir of its own so the two compilers
# never rebuild each other's artefacts. MUDROCK_WASM_TOOLCHAIN=debian forces the Debian route.
mudrock_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export CC_wasm32_unknown_unknown=clang-22
export AR_wasm32_unknown_unknown=llvm-ar-22
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
export WASM_BINDGEN_TEST_TIMEOUT=120
if [ "${MUDROCK_WASM_TOOLCHAIN:-}" != debian ] && command -v rustup >/dev/null 2>&1 \
  && rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  WASM_RUSTC=$(rustup which rustc)
  WASM_CARGO=$(rustup which cargo)
  WASM_TARGET_DIR="${CARGO_TARGET_DIR:-$mudrock_root/target}"
else
  WASM_RUSTC=/usr/bin/rustc
  WASM_CARGO=/usr/bin/cargo
  WASM_TARGET_DIR="${CARGO_TARGET_DIR:-$mudrock_root/target}/wasm"
  export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld-22
fi
export WASM_RUSTC WASM_CARGO WASM_TARGET_DIR

# cargo for wasm32: the chosen compiler, its target dir, and ~/.cargo/bin on PATH for the test runner.
wasm_cargo() {
  PATH="$(dirname "$WASM_CARGO"):$HOME/.cargo/bin:$PATH" RUSTC="$WASM_RUSTC" \
    CARGO_TARGET_DIR="$WASM_TARGET_DIR" "$WASM_CARGO" "$@"
}
