//! The `irbook` command: argument parsing only; the work is in the library.

fn main() {
    std::process::exit(irbook::cli::run(std::env::args_os()));
}
