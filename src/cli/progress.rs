//! Progress bars on stderr for long work (large appends and imports, verify, rebuild); drawn
//! only when stderr is a terminal, so scripts and logs see nothing.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

/// Work smaller than this finishes before a bar would help.
const WORTH_IT: u64 = 1 << 20;

/// A bar counting bytes of input, or a hidden one.
pub fn bytes(total: u64, what: &str) -> ProgressBar {
    bar(
        total,
        what,
        "{msg} [{bar:30}] {bytes}/{total_bytes} ({eta})",
        total >= WORTH_IT,
    )
}

/// A bar counting events (or streams), or a hidden one. `total` 0: not known yet.
pub fn events(total: u64, what: &str) -> ProgressBar {
    bar(
        total,
        what,
        "{msg} [{bar:30}] {pos}/{len} ({eta})",
        total == 0 || total >= 10_000,
    )
}

fn bar(total: u64, what: &str, template: &str, worth_it: bool) -> ProgressBar {
    if !(worth_it && std::io::stderr().is_terminal()) {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(what.to_string());
    bar
}
