//! Sorting borrowed items without a size cap.
//!
//! Every sort in the crate is `core`'s `sort_unstable_by` on a stack array
//! (no allocation, O(n log n)), made stable where it matters by comparing
//! positions last: here, for the query parameters (`canonical::params`) and
//! for the signed headers (`canonical::headers`). Up to [`CAP`] items are
//! sorted in one array on the stack. Larger inputs are emitted in rounds:
//! each round rescans the input and keeps the `CAP` smallest items above
//! the last one emitted, so any number of items is handled in
//! `O(n²/CAP)` comparisons with the same fixed stack, and the output is
//! identical. Beyond eight rounds (over a thousand parameters or headers:
//! hostile, when received) the items are sorted in a `Vec` instead, in
//! O(n log n), when the `alloc` feature is on; without it the rounds go
//! on (sorting read-only input in less memory than the input takes more
//! than O(n log n) time), and a verifier relies on its policy's limits.

use core::cmp::Ordering;

/// Items sorted per round (and the whole input in the common case).
pub(crate) const CAP: usize = 128;

/// Visits every item once, in order, each time it is called.
pub(crate) type Items<'a, T> = dyn Fn(&mut dyn FnMut(T)) + 'a;

/// Calls `emit` with every item that `items` visits, in the order of
/// `cmp`; items that compare equal keep their visiting order (the sort is
/// stable).
///
/// `items` is called once per round and must visit the same sequence each
/// time. Closures are taken as trait objects: this is the fallback for
/// large inputs, compiled once per item type rather than once per caller.
pub(crate) fn for_each_sorted<T: Copy + Default>(
    items: &Items<'_, T>,
    cmp: &dyn Fn(&T, &T) -> Ordering,
    emit: &mut dyn FnMut(T),
) {
    // Most requests have a handful of parameters and headers: a small array
    // is cheaper to set up than the full one.
    let mut n = 0usize;
    items(&mut |_| n = n.saturating_add(1));
    if n <= SMALL {
        sorted_rounds::<T, SMALL>(items, cmp, emit);
    } else if n <= ROUNDS_MAX {
        sorted_rounds::<T, CAP>(items, cmp, emit);
    } else {
        sorted_large(items, cmp, emit, n);
    }
}

/// Inputs up to this size are sorted in at most eight rounds, without
/// allocating; larger ones (hostile, when received) in a `Vec` when the
/// `alloc` feature is on.
const ROUNDS_MAX: usize = 8 * CAP;

#[cfg(feature = "alloc")]
fn sorted_large<T: Copy + Default>(
    items: &Items<'_, T>,
    cmp: &dyn Fn(&T, &T) -> Ordering,
    emit: &mut dyn FnMut(T),
    n: usize,
) {
    let mut all = alloc::vec::Vec::with_capacity(n);
    items(&mut |item| all.push(item));
    // Stable: equal items keep their visiting order.
    all.sort_by(cmp);
    all.into_iter().for_each(emit);
}

#[cfg(not(feature = "alloc"))]
fn sorted_large<T: Copy + Default>(
    items: &Items<'_, T>,
    cmp: &dyn Fn(&T, &T) -> Ordering,
    emit: &mut dyn FnMut(T),
    _n: usize,
) {
    sorted_rounds::<T, CAP>(items, cmp, emit);
}

/// Items sorted in the small array.
const SMALL: usize = 16;

fn sorted_rounds<T: Copy + Default, const N: usize>(
    items: &Items<'_, T>,
    cmp: &dyn Fn(&T, &T) -> Ordering,
    emit: &mut dyn FnMut(T),
) {
    let key = |a: &(T, usize), b: &(T, usize)| cmp(&a.0, &b.0).then(a.1.cmp(&b.1));
    let mut buf = [(T::default(), 0usize); N];
    let mut after: Option<(T, usize)> = None;
    loop {
        let mut n = 0;
        let mut position = 0usize;
        items(&mut |item| {
            let entry = (item, position);
            position = position.saturating_add(1);
            if let Some(last) = &after
                && key(&entry, last) != Ordering::Greater
            {
                return;
            }
            if n < N {
                if let Some(slot) = buf.get_mut(n) {
                    *slot = entry;
                }
                n = n.saturating_add(1);
                if n == N {
                    buf.sort_unstable_by(key);
                }
            } else if buf
                .last()
                .is_some_and(|worst| key(&entry, worst) == Ordering::Less)
            {
                // Keep the N smallest: insert in order, drop the largest.
                let pos = buf.partition_point(|x| key(x, &entry) == Ordering::Less);
                if let Some(tail) = buf.get_mut(pos..) {
                    tail.rotate_right(1);
                    if let Some(first) = tail.first_mut() {
                        *first = entry;
                    }
                }
            }
        });
        let round = buf.get_mut(..n).unwrap_or_default();
        if n < N {
            round.sort_unstable_by(key);
        }
        for entry in round.iter() {
            emit(entry.0);
        }
        if n < N {
            return;
        }
        after = buf.last().copied();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    fn check(input: &[u32]) {
        let mut got = Vec::new();
        // Compare by value / 2 so that stability is observable.
        for_each_sorted(
            &|visit| input.iter().copied().for_each(&mut *visit),
            &|a: &u32, b: &u32| (a / 2).cmp(&(b / 2)),
            &mut |x| got.push(x),
        );
        let mut want = input.to_vec();
        want.sort_by_key(|x| x / 2);
        assert_eq!(got, want);
        // The rounds, which builds without `alloc` use for large inputs.
        let mut rounds = Vec::new();
        sorted_rounds::<u32, CAP>(
            &|visit| input.iter().copied().for_each(&mut *visit),
            &|a: &u32, b: &u32| (a / 2).cmp(&(b / 2)),
            &mut |x| rounds.push(x),
        );
        assert_eq!(rounds, want);
    }

    #[test]
    fn sorts_small_and_large_stably() {
        check(&[]);
        check(&[3, 1, 2]);
        for n in [
            SMALL - 1,
            SMALL,
            SMALL + 1,
            CAP - 1,
            CAP,
            CAP + 1,
            2 * CAP,
            5 * CAP + 7,
            1000,
            ROUNDS_MAX + 1,
            3000,
        ] {
            let v: Vec<u32> = (0..n as u32)
                .map(|i| (i.wrapping_mul(2_654_435_761) >> 7) % 97)
                .collect();
            check(&v);
            let rev: Vec<u32> = (0..n as u32).rev().collect();
            check(&rev);
            check(&alloc::vec![7; n]);
        }
    }
}
