//! Stable sorts that cost the WebAssembly builds one copy of the standard
//! library's sort rather than one per element type and comparator.
//!
//! `slice::sort_by` is generic over both, and each instance is 1 to 3 KB of
//! wasm (its quicksort, drift sort, small sorts and merges): the engine
//! module held 65 of those functions, 15 KB gzipped. Here every sort orders
//! a list of indices with one non-generic comparator (a `dyn FnMut`), and
//! only the move of the items into that order is made per type. Native
//! builds, which are built for speed, call the standard library's sorts.
//!
//! Every function keeps the order of equal items, as `sort_by` does.

use std::cmp::Ordering;

/// Sorts `items` by `compare`, stably.
pub fn sort_by<T>(items: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
    if cfg!(target_arch = "wasm32") {
        let order = order(items.len(), &mut |a, b| compare(&items[a], &items[b]));
        permute(items, order);
    } else {
        items.sort_by(compare);
    }
}

/// Sorts `items` by `key`, stably; `key` is called on each comparison.
pub fn sort_by_key<T, K: Ord>(items: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `items` by `key`, stably; `key` is called once per item.
pub fn sort_by_cached_key<T, K: Ord>(items: &mut [T], key: impl FnMut(&T) -> K) {
    if cfg!(target_arch = "wasm32") {
        let keys: Vec<K> = items.iter().map(key).collect();
        let order = order(items.len(), &mut |a, b| keys[a].cmp(&keys[b]));
        permute(items, order);
    } else {
        items.sort_by_cached_key(key);
    }
}

/// Sorts `items` in their own order, stably.
pub fn sort<T: Ord>(items: &mut [T]) {
    sort_by(items, T::cmp);
}

/// The indices `0..len` in the order `compare` (of two indices) sorts
/// them, equal ones in index order. The one instance of the standard sort.
fn order(len: usize, compare: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by(|&a, &b| compare(a, b));
    order
}

/// Moves `items[order[i]]` to `i` for every `i`, in place, by swaps (as
/// the standard library's `sort_by_cached_key` does): an item whose index
/// is before `i` was swapped away from it, to where `order` then says.
fn permute<T>(items: &mut [T], mut order: Vec<usize>) {
    for i in 0..items.len() {
        let mut from = order[i];
        while from < i {
            from = order[from];
        }
        order[i] = from;
        items.swap(i, from);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The wasm builds' path, natively: `order` then `permute`.
    fn by_index<T: Clone>(items: &[T], mut compare: impl FnMut(&T, &T) -> Ordering) -> Vec<T> {
        let mut sorted = items.to_vec();
        let order = order(items.len(), &mut |a, b| compare(&items[a], &items[b]));
        permute(&mut sorted, order);
        sorted
    }

    #[test]
    fn sorts_by_index_as_the_standard_stable_sort_does() {
        // Pseudo-random pairs with many equal keys: the second half tells
        // equal keys apart, so a lost order of equal items shows.
        let mut state = 0x2545_f491_u32;
        for len in [0, 1, 2, 3, 7, 20, 100, 1000] {
            let items: Vec<(u32, usize)> = (0..len)
                .map(|i| {
                    state ^= state << 13;
                    state ^= state >> 17;
                    state ^= state << 5;
                    (state % 7, i)
                })
                .collect();
            let mut expected = items.clone();
            expected.sort_by_key(|&(key, _)| key);
            assert_eq!(by_index(&items, |a, b| a.0.cmp(&b.0)), expected, "{len} items");
            let reversed: Vec<_> = expected.iter().rev().copied().collect();
            let mut again = reversed.clone();
            again.sort_by_key(|&(key, _)| key);
            assert_eq!(by_index(&reversed, |a, b| a.0.cmp(&b.0)), again, "{len} items, reversed");
        }
    }

    #[test]
    fn the_public_sorts_are_stable() {
        let mut items = vec![(2, 'a'), (1, 'b'), (2, 'c'), (0, 'd'), (1, 'e')];
        sort_by_cached_key(&mut items, |&(key, _)| key);
        assert_eq!(items, [(0, 'd'), (1, 'b'), (1, 'e'), (2, 'a'), (2, 'c')]);
        sort_by_key(&mut items, |&(key, _)| std::cmp::Reverse(key));
        assert_eq!(items, [(2, 'a'), (2, 'c'), (1, 'b'), (1, 'e'), (0, 'd')]);
        let mut words = vec!["b", "a", "c", "a"];
        sort(&mut words);
        assert_eq!(words, ["a", "a", "b", "c"]);
    }
}
