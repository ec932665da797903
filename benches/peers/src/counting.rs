//! A global allocator that counts allocations while switched on, and
//! forwards to the system allocator. It is this crate's global allocator,
//! so the binary and the criterion bench of `awsig-peers` both use it; while
//! counting is off it costs one relaxed load per allocation.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};

/// Counts `alloc`, `alloc_zeroed` and `realloc` calls (a `realloc` is a new
/// allocation as far as the allocator's work goes).
pub struct Counting;

static ON: AtomicBool = AtomicBool::new(false);
static CALLS: AtomicUsize = AtomicUsize::new(0);
static BYTES: AtomicUsize = AtomicUsize::new(0);

#[global_allocator]
static GLOBAL: Counting = Counting;

fn note(size: usize) {
    if ON.load(Relaxed) {
        CALLS.fetch_add(1, Relaxed);
        BYTES.fetch_add(size, Relaxed);
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

/// Allocations (calls, bytes) made by `f` on this thread of a
/// single-threaded program.
pub fn count<R>(f: impl FnOnce() -> R) -> (R, usize, usize) {
    CALLS.store(0, Relaxed);
    BYTES.store(0, Relaxed);
    ON.store(true, Relaxed);
    let r = std::hint::black_box(f());
    ON.store(false, Relaxed);
    (r, CALLS.load(Relaxed), BYTES.load(Relaxed))
}

/// Median allocation calls and bytes per call of `f`, over `runs` calls
/// (each result dropped outside the count).
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
