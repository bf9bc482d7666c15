//! Writer text made inert for each output: terminal text, Markdown and HTML (DESIGN section 5).
//!
//! Characters a terminal acts on or that hide or reorder text ([`hazardous`]) are shown in one
//! visible notation everywhere, Rust's: `\n`, `\r`, `\t`, else `\u{1b}` (hex). So one value is
//! one line and cannot move the cursor, set a title or plant a hyperlink. Backslashes are kept
//! as written in terminal text, so escaping twice changes nothing. Markdown also gets its
//! HTML and inline syntax escaped, and links only to `http`, `https` and `mailto` URLs.

use std::borrow::Cow;
use std::fmt::Write;

/// Whether `c` is a control character (C0, DEL, C1), a bidirectional override or isolate, or
/// an invisible format character that can hide or disguise text.
pub fn hazardous(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}'
        | '\u{7f}'..='\u{9f}'
        | '\u{61c}'
        | '\u{180e}'
        | '\u{200b}'..='\u{200f}'
        | '\u{2028}'..='\u{202e}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206f}'
        | '\u{feff}'
        | '\u{fff9}'..='\u{fffb}'
        | '\u{e0000}'..='\u{e007f}')
}

/// Writes `c` in the visible notation: `\n`, `\r`, `\t`, else `\u{hex}`.
pub(crate) fn visible(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c => {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        }
    }
}

/// Text for one line of a terminal: every [`hazardous`] character shown escaped.
pub fn terminal(text: &str) -> Cow<'_, str> {
    if !text.contains(hazardous) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match hazardous(c) {
            true => visible(&mut out, c),
            false => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Lines of text for a terminal: as [`terminal`], but line feeds stay line breaks.
pub fn terminal_lines(text: &str) -> Cow<'_, str> {
    if !text.contains(|c| c != '\n' && hazardous(c)) {
        return Cow::Borrowed(text);
    }
    let lines: Vec<Cow<str>> = text.split('\n').map(terminal).collect();
    Cow::Owned(lines.join("\n"))
}

/// Text for HTML content or a quoted attribute value: `& < > " '` as entities, and every
/// [`hazardous`] character shown escaped.
pub fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if hazardous(c) => visible(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

/// Text that stays text anywhere on one line of Markdown, table cells included: HTML
/// characters as entities, inline syntax (emphasis, code, links, images, table pipes, strike
/// through) and block markers at its start backslash-escaped, [`hazardous`] characters shown
/// escaped. Leading spaces, which Markdown ignores or reads as code, are dropped.
pub fn markdown(text: &str) -> String {
    let text = text.trim_start_matches(' ');
    let mut out = String::with_capacity(text.len() + 8);
    // A list, heading, rule or setext marker at the start of a line.
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    let after = &text[digits..];
    let ordered = (1..=9).contains(&digits) && (after == "." || after.starts_with(". "));
    if text.starts_with(['#', '-', '+', '=']) {
        out.push('\\');
    }
    for (n, c) in text.chars().enumerate() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '(' | ')' | '!' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '.' if ordered && n == digits => out.push_str("\\."),
            c if hazardous(c) => visible(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

/// The URL, trimmed, when it may be a link: an `http` or `https` URL with `//` and a host,
/// or a `mailto` URL with an address, in any case. Everything else (`javascript:`, `data:`,
/// relative and protocol-relative URLs) is `None`.
pub fn linkable(url: &str) -> Option<&str> {
    let url = url.trim();
    let (scheme, rest) = url.split_once(':')?;
    let web = scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https");
    let ok = match web {
        true => rest.strip_prefix("//").is_some_and(|r| !r.is_empty()),
        false => scheme.eq_ignore_ascii_case("mailto") && !rest.is_empty(),
    };
    ok.then_some(url)
}

/// A linkable URL as a Markdown link destination: spaces, controls, non-ASCII and the
/// characters that could end it early or start other syntax (`( ) < > " ' \` and the
/// backtick) percent-encoded as UTF-8.
pub fn destination(url: &str) -> Option<String> {
    let url = linkable(url)?;
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        if c.is_ascii_graphic() && !"()<>\"'\\`".contains(c) {
            out.push(c);
        } else {
            for b in c.encode_utf8(&mut [0; 4]).bytes() {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    Some(out)
}

/// A Markdown link to `url` reading `label` (the URL itself when empty) when the URL is
/// linkable; else the label and the URL as plain text, marked as not linked.
pub fn markdown_link(label: &str, url: &str) -> String {
    let shown = if label.trim().is_empty() { url } else { label };
    match destination(url) {
        Some(dest) => format!("[{}]({dest})", markdown(shown)),
        None if shown == url => format!("{} (not linked)", markdown(url)),
        None => format!("{} — {} (not linked)", markdown(label), markdown(url)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn terminal_shows_controls_and_hidden_characters() {
        let cases = [
            ("plain text", "plain text"),
            ("\u{1b}[2J\u{1b}[H", r"\u{1b}[2J\u{1b}[H"),
            ("\u{1b}]0;title\u{7}", r"\u{1b}]0;title\u{7}"),
            (
                "\u{1b}]8;;http://evil\u{1b}\\click\u{1b}]8;;\u{1b}\\",
                r"\u{1b}]8;;http://evil\u{1b}\click\u{1b}]8;;\u{1b}\",
            ),
            ("\u{9b}2J csi", r"\u{9b}2J csi"),
            ("one\ntwo\r\n", r"one\ntwo\r\n"),
            ("a\tb\u{0}c\u{7f}", r"a\tb\u{0}c\u{7f}"),
            ("\u{202e}txt.exe\u{202c}", r"\u{202e}txt.exe\u{202c}"),
            ("\u{2066}x\u{2069}", r"\u{2066}x\u{2069}"),
            ("zero\u{200b}width\u{feff}", r"zero\u{200b}width\u{feff}"),
            ("line\u{2028}para\u{2029}", r"line\u{2028}para\u{2029}"),
            (r"C:\temp\new", r"C:\temp\new"),
            ("naïve 東京 ✓", "naïve 東京 ✓"),
        ];
        for (input, shown) in cases {
            assert_eq!(terminal(input), shown, "{input:?}");
        }
        assert!(matches!(terminal("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn terminal_lines_keep_line_feeds_only() {
        assert_eq!(terminal_lines("a\u{1b}[2J\nb\r"), "a\\u{1b}[2J\nb\\r");
        assert_eq!(terminal_lines("a\nb"), "a\nb");
    }

    #[test]
    fn html_escapes_markup_and_controls() {
        assert_eq!(
            html(r#"<script>alert(1)</script> & "x" 'y'"#),
            "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot; &#39;y&#39;"
        );
        assert_eq!(html("a\u{1b}[2J\nb\u{202e}"), r"a\u{1b}[2J\nb\u{202e}");
    }

    #[test]
    fn markdown_escapes_html_syntax_and_line_breaks() {
        let cases = [
            ("plain words, 3 of 5", "plain words, 3 of 5"),
            (
                "<script>alert(1)</script>",
                r"&lt;script&gt;alert\(1\)&lt;/script&gt;",
            ),
            (
                "<img src=x onerror=alert(1)>",
                r"&lt;img src=x onerror=alert\(1\)&gt;",
            ),
            ("&amp; &", "&amp;amp; &amp;"),
            ("Read ](http://evil)", r"Read \]\(http://evil\)"),
            (
                "[x](javascript:alert(1))",
                r"\[x\]\(javascript:alert\(1\)\)",
            ),
            ("![i](http://evil/i.png)", r"\!\[i\]\(http://evil/i.png\)"),
            ("a | b", r"a \| b"),
            ("cell\r\nnext | row", r"cell\r\nnext \| row"),
            (
                "*em* _em_ `code` ~~del~~",
                r"\*em\* \_em\_ \`code\` \~\~del\~\~",
            ),
            (r"back\slash\", r"back\\slash\\"),
            ("# heading", r"\# heading"),
            ("ticket #12", "ticket #12"),
            ("- item", r"\- item"),
            ("+ item", r"\+ item"),
            ("=== rule", r"\=== rule"),
            ("12. item", r"12\. item"),
            ("1.5 GB", "1.5 GB"),
            ("7.", r"7\."),
            ("v1.5", "v1.5"),
            ("    indented", "indented"),
            ("> quote", "&gt; quote"),
            ("\u{1b}[2J \u{202e}", r"\u{1b}\[2J \u{202e}"),
        ];
        for (input, escaped) in cases {
            assert_eq!(markdown(input), escaped, "{input:?}");
        }
    }

    #[test]
    fn only_web_and_mail_urls_are_linkable() {
        let cases = [
            (
                "https://status.example/p?a=1&b=2",
                Some("https://status.example/p?a=1&b=2"),
            ),
            ("HTTP://example.com", Some("HTTP://example.com")),
            ("  https://example.com  ", Some("https://example.com")),
            ("mailto:ops@example.com", Some("mailto:ops@example.com")),
            ("MailTo:ops@example.com", Some("MailTo:ops@example.com")),
            ("javascript:alert(1)", None),
            ("JaVaScRiPt:alert(1)", None),
            (" javascript:alert(1)", None),
            ("java\tscript:alert(1)", None),
            ("\u{1}javascript:alert(1)", None),
            ("data:text/html,<script>alert(1)</script>", None),
            ("vbscript:msgbox(1)", None),
            ("file:///etc/passwd", None),
            ("//evil.example/x", None),
            ("/relative/path", None),
            ("example.com", None),
            ("https:", None),
            ("https://", None),
            ("https:evil", None),
            ("mailto:", None),
            ("", None),
        ];
        for (url, linked) in cases {
            assert_eq!(linkable(url), linked, "{url:?}");
        }
    }

    #[test]
    fn destinations_cannot_end_early() {
        let cases = [
            ("https://x.example/a b", "https://x.example/a%20b"),
            ("https://x.example/a)(b", "https://x.example/a%29%28b"),
            ("https://x.example/<x>", "https://x.example/%3Cx%3E"),
            (
                "https://x.example/\"t\" 'u'",
                "https://x.example/%22t%22%20%27u%27",
            ),
            ("https://x.example/a\\b`c", "https://x.example/a%5Cb%60c"),
            (
                "https://x.example/a\r\nb\u{1b}",
                "https://x.example/a%0D%0Ab%1B",
            ),
            (
                "https://x.example/é\u{202e}",
                "https://x.example/%C3%A9%E2%80%AE",
            ),
            (
                "https://x.example/%20ok?q=1&r=[2]",
                "https://x.example/%20ok?q=1&r=[2]",
            ),
        ];
        for (url, dest) in cases {
            assert_eq!(destination(url).as_deref(), Some(dest), "{url:?}");
        }
    }

    #[test]
    fn links_only_to_allowed_urls() {
        let cases = [
            (
                "Down",
                "https://blog.example/p",
                "[Down](https://blog.example/p)",
            ),
            (
                "",
                "https://blog.example/p",
                "[https://blog.example/p](https://blog.example/p)",
            ),
            (
                "Read ](http://evil)",
                "https://x.example/a)b",
                r"[Read \]\(http://evil\)](https://x.example/a%29b)",
            ),
            (
                "Down",
                "javascript:alert(1)",
                r"Down — javascript:alert\(1\) (not linked)",
            ),
            (
                "",
                " JaVaScRiPt:alert(1)",
                r"JaVaScRiPt:alert\(1\) (not linked)",
            ),
            (
                "x",
                "data:text/html,<script>",
                "x — data:text/html,&lt;script&gt; (not linked)",
            ),
        ];
        for (label, url, md) in cases {
            assert_eq!(markdown_link(label, url), md, "{label:?} {url:?}");
        }
    }

    proptest! {
        #[test]
        fn terminal_text_is_one_inert_line(text in any::<String>()) {
            let shown = terminal(&text);
            prop_assert!(!shown.contains(hazardous));
            prop_assert!(!shown.contains('\n'));
            let twice = terminal(&shown).into_owned();
            prop_assert_eq!(twice.as_str(), shown.as_ref(), "idempotent");
            prop_assert!(!terminal_lines(&text).contains(|c| c != '\n' && hazardous(c)));
        }

        #[test]
        fn markdown_text_has_no_markup(text in any::<String>()) {
            let md = markdown(&text);
            prop_assert!(!md.contains(hazardous));
            prop_assert!(!md.contains('<') && !md.contains('>'));
            prop_assert!(!md.contains("]("));
            // Every pipe, bracket and backtick is escaped: preceded by an odd run of `\`.
            for (i, c) in md.char_indices().filter(|(_, c)| "|[]`*_".contains(*c)) {
                let run = md[..i].chars().rev().take_while(|c| *c == '\\').count();
                prop_assert!(run % 2 == 1, "unescaped {:?} in {:?}", c, md);
            }
        }

        #[test]
        fn markdown_links_only_to_web_and_mail(label in any::<String>(), url in any::<String>()) {
            let md = markdown_link(&label, &url);
            prop_assert!(!md.contains(hazardous) && !md.contains('<'));
            let links = md.match_indices("](").count();
            prop_assert!(links <= 1);
            if let Some((i, _)) = md.match_indices("](").next() {
                let target = md[i + 2..].to_ascii_lowercase();
                prop_assert!(
                    ["http://", "https://", "mailto:"].iter().any(|s| target.starts_with(s)),
                    "{}", md
                );
                prop_assert!(md.ends_with(')') && !target[..target.len() - 1].contains([')', ' ', '(']));
            }
            prop_assert!(!md.to_ascii_lowercase().contains("<script"));
        }
    }

    #[test]
    fn hostile_schemes_never_become_link_targets() {
        for scheme in ["javascript", "JaVaScRiPt", "data", "vbscript"] {
            let md = markdown_link("t", &format!("{scheme}:alert(1)"));
            assert!(!md.contains("]("), "{md}");
        }
    }
}
