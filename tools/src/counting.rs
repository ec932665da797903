//! A global allocator that counts the allocations of the threads that ask
//! ([`count`]) and forwards every call to the system allocator. A binary
//! or test that wants it installs it:
//!
//! ```
//! use awsig_tools::counting::{self, Counting};
//!
//! #[global_allocator]
//! static GLOBAL: Counting = Counting;
//!
//! fn main() {
//!     let (v, calls, _bytes) = counting::count(|| vec![1u8; 100]);
//!     assert_eq!((v.len(), calls), (100, 1));
//! }
//! ```
//!
//! Counts are per thread, so tests running side by side do not see each
//! other's allocations. While no thread counts, an allocation costs one
//! relaxed load more than the system allocator's (`awsig-peers` times its
//! benchmarks with this allocator installed).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

/// Counts `alloc`, `alloc_zeroed` and `realloc` calls (a `realloc` is a new
/// allocation as far as the allocator's work goes) and their bytes.
pub struct Counting;

/// How many threads are inside [`count`].
static COUNTING_THREADS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static ON: Cell<bool> = const { Cell::new(false) };
    static CALLS: Cell<usize> = const { Cell::new(0) };
    static BYTES: Cell<usize> = const { Cell::new(0) };
}

fn note(size: usize) {
    if COUNTING_THREADS.load(Relaxed) == 0 {
        return;
    }
    // `try_with`: the thread may be tearing down its thread-locals.
    if ON.try_with(Cell::get).unwrap_or(false) {
        let _ = CALLS.try_with(|c| c.set(c.get() + 1));
        let _ = BYTES.try_with(|b| b.set(b.get() + size));
    }
}

// SAFETY: every call is forwarded unchanged to `System`.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        // SAFETY: the caller's contract is passed on.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        // SAFETY: the caller's contract is passed on.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(new_size);
        // SAFETY: the caller's contract is passed on.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract is passed on.
        unsafe { System.dealloc(ptr, layout) }
    }
}

/// Runs `f` and returns its result with the allocations (calls, bytes) it
/// made on this thread. Zero when [`Counting`] is not the global allocator.
/// Not nested: an inner `count` ends the outer one's counting.
pub fn count<R>(f: impl FnOnce() -> R) -> (R, usize, usize) {
    CALLS.with(|c| c.set(0));
    BYTES.with(|b| b.set(0));
    COUNTING_THREADS.fetch_add(1, Relaxed);
    ON.with(|on| on.set(true));
    let r = std::hint::black_box(f());
    ON.with(|on| on.set(false));
    COUNTING_THREADS.fetch_sub(1, Relaxed);
    (r, CALLS.with(Cell::get), BYTES.with(Cell::get))
}

/// Median allocation calls and bytes per call of `f`, over `runs` calls
/// (each result dropped outside the count).
///
/// # Panics
/// When `runs` is 0.
pub fn median<R>(runs: usize, mut f: impl FnMut() -> R) -> (usize, usize) {
    let mut calls = Vec::with_capacity(runs);
    let mut bytes = Vec::with_capacity(runs);
    for _ in 0..runs {
        let (r, c, b) = count(&mut f);
        drop(r);
        calls.push(c);
        bytes.push(b);
    }
    calls.sort_unstable();
    bytes.sort_unstable();
    (calls[runs / 2], bytes[runs / 2])
}
