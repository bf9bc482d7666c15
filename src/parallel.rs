//! An ordered map over a slice on every core: the figures of every service (`stats` and `sla`
//! over all services) are split in as many contiguous parts as there are cores and put back in
//! order.

use std::num::NonZero;

/// `items.iter().map(f).collect()`, the parts computed on scoped threads (on this thread
/// alone when there is one core or too little work to share).
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    const LEAST_PER_THREAD: usize = 64;
    let threads = std::thread::available_parallelism()
        .map_or(1, NonZero::get)
        .min(items.len() / LEAST_PER_THREAD)
        .max(1);
    if threads == 1 {
        return items.iter().map(f).collect();
    }
    let part = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|scope| {
        let parts: Vec<_> = items
            .chunks(part)
            .map(|chunk| scope.spawn(move || chunk.iter().map(f).collect::<Vec<R>>()))
            .collect();
        parts
            .into_iter()
            .flat_map(|p| p.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_the_order_of_the_items() {
        for n in [0, 1, 63, 64, 129, 1000, 1001] {
            let items: Vec<u64> = (0..n).collect();
            assert_eq!(
                super::map(&items, |x| x * 2),
                items.iter().map(|x| x * 2).collect::<Vec<_>>()
            );
        }
    }
}
