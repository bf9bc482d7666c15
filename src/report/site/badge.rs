//! Shields-style SVG badges: a service's 90-day uptime and its days since the last outage.
//! Text widths are estimated from Verdana's average advance at 11 px, as such badges are.

use super::{Shown, percent};
use crate::report::inert::html as escape;

/// Uptime colours, by thresholds people know from badges (≥ 99.9 % green … < 95 % red).
fn uptime_colour(p: f64) -> &'static str {
    if p >= 99.9 {
        "#4c1"
    } else if p >= 99.0 {
        "#97ca00"
    } else if p >= 97.0 {
        "#dfb317"
    } else if p >= 95.0 {
        "#fe7d37"
    } else {
        "#e05d44"
    }
}

/// `badges/SERVICE.svg`: "SERVICE uptime | 99.95 %".
pub fn uptime(s: &Shown) -> String {
    let (value, colour) = match s.status.uptime_percent {
        Some(p) => (percent(p), uptime_colour(p)),
        None => ("unknown".to_string(), "#9f9f9f"),
    };
    badge(&format!("{} uptime", s.status.name), &value, colour)
}

/// `badges/streak/SERVICE.svg`: "SERVICE | 12 days without outage".
pub fn streak(s: &Shown) -> String {
    let (value, colour) = match s.days_since_outage {
        Some(1) => ("1 day without outage".to_string(), "#4c1"),
        Some(d) => (format!("{d} days without outage"), "#4c1"),
        None => ("no outage recorded".to_string(), "#4c1"),
    };
    badge(&s.status.name, &value, colour)
}

/// Estimated width of `text` in px at 11 px Verdana, plus padding.
fn width(text: &str) -> usize {
    let advance: f64 = text
        .chars()
        .map(|c| match c {
            'i' | 'l' | 'j' | '.' | ',' | ':' | ';' | '|' | '!' | '\'' | ' ' => 3.9,
            'm' | 'w' | 'M' | 'W' | '%' => 10.0,
            c if c.is_ascii_uppercase() => 7.5,
            _ => 6.6,
        })
        .sum();
    advance.ceil() as usize + 10
}

fn badge(label: &str, value: &str, colour: &str) -> String {
    let (lw, vw) = (width(label), width(value));
    let total = lw + vw;
    let (label, value) = (escape(label), escape(value));
    let (lx, vx) = (lw * 5, lw * 10 + vw * 5);
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{total}\" height=\"20\" role=\"img\" aria-label=\"{label}: {value}\">\
<title>{label}: {value}</title>\
<linearGradient id=\"s\" x2=\"0\" y2=\"100%\"><stop offset=\"0\" stop-color=\"#bbb\" stop-opacity=\".1\"/><stop offset=\"1\" stop-opacity=\".1\"/></linearGradient>\
<clipPath id=\"r\"><rect width=\"{total}\" height=\"20\" rx=\"3\" fill=\"#fff\"/></clipPath>\
<g clip-path=\"url(#r)\"><rect width=\"{lw}\" height=\"20\" fill=\"#555\"/><rect x=\"{lw}\" width=\"{vw}\" height=\"20\" fill=\"{colour}\"/><rect width=\"{total}\" height=\"20\" fill=\"url(#s)\"/></g>\
<g fill=\"#fff\" text-anchor=\"middle\" font-family=\"Verdana,Geneva,DejaVu Sans,sans-serif\" font-size=\"110\">\
<text x=\"{lx}\" y=\"150\" fill=\"#010101\" fill-opacity=\".3\" transform=\"scale(.1)\">{label}</text><text x=\"{lx}\" y=\"140\" transform=\"scale(.1)\">{label}</text>\
<text x=\"{vx}\" y=\"150\" fill=\"#010101\" fill-opacity=\".3\" transform=\"scale(.1)\">{value}</text><text x=\"{vx}\" y=\"140\" transform=\"scale(.1)\">{value}</text></g></svg>\n"
    )
}
