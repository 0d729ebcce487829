//! The `mudrock` binary; everything it does is in `mudrock_edge::cli`.

fn main() -> std::process::ExitCode {
    mudrock_edge::cli::main()
}
