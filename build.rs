//! Build script: embeds the default handbook and theme, and compiles the
//! questionnaire engine to WebAssembly with its JavaScript glue, so that
//! `cargo build` on a fresh machine needs nothing but rustup.

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const WASM_TARGET: &str = "wasm32-unknown-unknown";

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());
    embed_tree(&manifest, &out, "content", "embedded_content.rs");
    embed_tree(&manifest, &out, "themes/default", "embedded_theme.rs");
    build_wasm(&manifest, &out);
}

/// Writes a Rust file with `&[(relative path, bytes)]` for every file under `dir`,
/// sorted so the binary is the same for the same tree.
fn embed_tree(manifest: &Path, out: &Path, dir: &str, file: &str) {
    let root = manifest.join(dir);
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    if root.is_dir() {
        collect(&root, &root, &mut files);
    }
    files.sort();
    let mut code = String::from("&[\n");
    for rel in &files {
        let abs = root.join(rel);
        // Directories are watched via rerun-if-changed on each file as well,
        // since cargo only notices added files through the directory mtime.
        println!("cargo:rerun-if-changed={}", abs.display());
        writeln!(code, "    ({:?}, include_bytes!({:?}) as &[u8]),", rel, abs.display().to_string()).unwrap();
    }
    code.push_str("]\n");
    fs::write(out.join(file), code).unwrap();
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<String>) {
    let mut entries: Vec<_> = fs::read_dir(dir).unwrap().filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().to_string();
        if name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
            collect(root, &path, files);
        } else {
            let rel = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
            files.push(rel);
        }
    }
}

fn build_wasm(manifest: &Path, out: &Path) {
    let crate_dir = manifest.join("assessment-wasm");
    println!("cargo:rerun-if-changed={}", crate_dir.join("src").display());
    println!("cargo:rerun-if-changed={}", crate_dir.join("Cargo.toml").display());
    if let Ok(entries) = fs::read_dir(crate_dir.join("src")) {
        for e in entries.flatten() {
            println!("cargo:rerun-if-changed={}", e.path().display());
        }
    }
    ensure_wasm_target();

    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let target_dir = out.join("wasm-target");
    let mut cmd = Command::new(&cargo);
    cmd.current_dir(manifest)
        .args(["build", "--release", "--target", WASM_TARGET, "-p", "assessment-wasm", "--lib"])
        .arg("--target-dir")
        .arg(&target_dir)
        // Size matters more than speed for the page; these apply to the nested build only.
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "z")
        .env("CARGO_PROFILE_RELEASE_LTO", "true")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "1")
        .env("CARGO_PROFILE_RELEASE_PANIC", "abort")
        .env("CARGO_PROFILE_RELEASE_DEBUG", "false")
        .env("CARGO_PROFILE_RELEASE_STRIP", "true");
    // The outer build's flags and wrappers break the wasm link (DESIGN §3).
    for var in [
        "CARGO_ENCODED_RUSTFLAGS",
        "RUSTFLAGS",
        "RUSTC_WRAPPER",
        "RUSTC_WORKSPACE_WRAPPER",
        "CARGO_TARGET_DIR",
        "CARGO_BUILD_TARGET",
        "CARGO_MAKEFLAGS",
        "MAKEFLAGS",
        "MFLAGS",
    ] {
        cmd.env_remove(var);
    }
    // Cargo parses a build script's stdout, so the nested build's output goes to stderr.
    cmd.stdout(std::process::Stdio::from(std::io::stderr()));
    let status = cmd.status().expect("could not start the nested cargo build of assessment-wasm");
    if !status.success() {
        panic!("building the questionnaire engine for {WASM_TARGET} failed (see the output above)");
    }
    let wasm = target_dir.join(WASM_TARGET).join("release").join("assessment_wasm.wasm");

    let gen_dir = out.join("wasm-bindgen");
    let _ = fs::remove_dir_all(&gen_dir);
    fs::create_dir_all(&gen_dir).unwrap();
    let mut bindgen = wasm_bindgen_cli_support::Bindgen::new();
    bindgen
        .input_path(&wasm)
        .out_name("irbook_engine")
        .typescript(false)
        .no_modules(true)
        .expect("wasm-bindgen: no-modules target")
        .generate(&gen_dir)
        .expect("wasm-bindgen could not generate the JavaScript glue");
    let glue = fs::read_to_string(gen_dir.join("irbook_engine.js")).unwrap();
    let bytes = fs::read(gen_dir.join("irbook_engine_bg.wasm")).unwrap();
    // The wasm travels inside a classic script, so the page needs no fetch and works from file://.
    let mut js = String::with_capacity(glue.len() + bytes.len() * 2 + 256);
    js.push_str(
        "/* irbook questionnaire engine: wasm-bindgen glue and the WebAssembly module, a character per byte. */\n",
    );
    js.push_str(&glue);
    js.push_str("\nvar IRBOOK_ENGINE_WASM = \"");
    js.push_str(&byte_chars(&bytes));
    js.push_str("\";\n");
    fs::write(out.join("engine.js"), js).unwrap();
}

fn ensure_wasm_target() {
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let sysroot =
        Command::new(&rustc).args(["--print", "sysroot"]).output().ok().and_then(|o| {
            o.status.success().then(|| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim().to_string()))
        });
    let installed = |root: &Option<PathBuf>| {
        root.as_ref().is_some_and(|r| r.join("lib/rustlib").join(WASM_TARGET).join("lib").is_dir())
    };
    if installed(&sysroot) {
        return;
    }
    eprintln!("irbook build: the {WASM_TARGET} target is missing; running `rustup target add {WASM_TARGET}`");
    let mut cmd = Command::new("rustup");
    cmd.args(["target", "add", WASM_TARGET]);
    if let Ok(tc) = env::var("RUSTUP_TOOLCHAIN") {
        cmd.args(["--toolchain", &tc]);
    }
    let ok = cmd.status().map(|s| s.success()).unwrap_or(false);
    if !ok || !installed(&sysroot) {
        panic!(
            "the Rust target {WASM_TARGET} is not installed and could not be added automatically.\n\
             Run `rustup target add {WASM_TARGET}` and build again."
        );
    }
}

/// The module as a string of one character per byte, for a JavaScript string
/// literal: printable ASCII stands for itself (except `"`, `\\` and `<`, so
/// the literal needs no escapes and cannot end an inline `<script>`), any
/// other byte b is U+0100 + b. The page takes each character's code & 0xFF.
/// Unlike base64, every byte keeps its place in whole characters, so gzip
/// finds the module's own repeats: 53 KB gzipped where base64 gave 63 KB.
fn byte_chars(data: &[u8]) -> String {
    data.iter()
        .map(|&b| match b {
            b'"' | b'\\' | b'<' => char::from_u32(0x100 + u32::from(b)),
            0x20..=0x7e => Some(char::from(b)),
            _ => char::from_u32(0x100 + u32::from(b)),
        })
        .map(|c| c.expect("U+0100..U+01FF are characters"))
        .collect()
}
