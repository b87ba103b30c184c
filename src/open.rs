//! Handing a built page or a served address to the system's browser, or
//! saying where it is when the machine has no opener (a server, a locked-down
//! desktop): a missing browser never fails a command.

use std::path::Path;

/// Hands the page to the system's opener; when there is none (a server, a
/// locked-down desktop) says where the page is instead of failing the build.
pub fn file(page: &Path) {
    let page = crate::paths::absolute(page);
    if !open_target(page.as_os_str()) {
        crate::out!("Open {} in your browser.", page.display());
    }
}

/// Opens an address in the default browser, or says to.
pub fn url(url: &str) {
    if !open_target(std::ffi::OsStr::new(url)) {
        crate::out!("Open {url} in your browser.");
    }
}

/// Hands a file or address to the system's opener; false when there is none.
fn open_target(target: &std::ffi::OsStr) -> bool {
    let candidates: &[(&str, &[&str])] = if cfg!(target_os = "macos") {
        &[("open", &[])]
    } else if cfg!(windows) {
        &[("cmd", &["/C", "start", ""])]
    } else {
        &[("xdg-open", &[]), ("gio", &["open"])]
    };
    for (cmd, args) in candidates {
        let status = std::process::Command::new(cmd)
            .args(*args)
            .arg(target)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status();
        if status.is_ok_and(|s| s.success()) {
            return true;
        }
    }
    false
}
