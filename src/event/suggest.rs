//! "Did you mean": the nearest of some candidates within a small edit distance.

/// The closest candidate within a small edit distance, for "did you mean" suggestions.
pub fn suggest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|c| (distance(word, c), c))
        .filter(|(d, c)| *d <= if c.len() < 5 { 1 } else { 2 })
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Whether two names differ only in case or in which separator they use (`Web1` beside `web1`,
/// `web_1` beside `web-1`): the same service or vendor spelled another way. Digits and the
/// place of separators count, so `web-2` and `s11-0` beside `s1-10` are other names.
pub fn spelled_alike(a: &str, b: &str) -> bool {
    a != b && folded(a) == folded(b)
}

/// A name with case and separators folded: names [`spelled_alike`] are equal folded, so a map
/// keyed by it finds a near name in one look-up.
pub fn folded(name: &str) -> String {
    name.chars()
        .map(|c| if matches!(c, '_' | '.' | ' ') { '-' } else { c })
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod alike {
    use super::spelled_alike;

    #[test]
    fn case_and_separators_only() {
        assert!(spelled_alike("Web1", "web1"));
        assert!(spelled_alike("web_1", "web-1"));
        assert!(spelled_alike("hetzner", "Hetzner"));
        assert!(!spelled_alike("web-2", "web-1"));
        assert!(!spelled_alike("s11-0", "s1-10"));
        assert!(!spelled_alike("web1", "web1"));
    }
}

fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (row[j + 1] + 1)
                .min(row[j] + 1)
                .min(prev + usize::from(ca != *cb));
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_names_only() {
        assert_eq!(
            suggest("servces", ["services", "source"].into_iter()),
            Some("services")
        );
        assert_eq!(suggest("zzzzzz", ["services", "source"].into_iter()), None);
    }
}
