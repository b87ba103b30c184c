//! The `irbook` command: argument parsing only; the work is in the library.

fn main() {
    std::process::exit(irbook::cmd::run(std::env::args_os()));
}
