//! The WebAssembly engine's memory allocator, in place of the standard
//! library's dlmalloc, which is about 8 KB of a module that the page
//! downloads inside a script.
//!
//! Every block is a power of two in size, from 8 bytes up. A freed block
//! goes on the free list of its size and is handed out again for the next
//! request of that size; fresh blocks are cut, each aligned to its own size
//! (up to a page), from pages that `memory.grow` adds. Nothing is merged or
//! returned to the system. That suits the page: it loads one assessment and
//! then computes plan after plan from data of the same shapes, so after the
//! first plans every request finds a block on its list and memory stays
//! flat. The price is up to half of each block, on a heap of a few MB.
//!
//! [`Heap`] does the bookkeeping and takes the growing of memory as a
//! function, so that native tests can run it on memory of their own.

use std::alloc::Layout;

/// The WebAssembly page size, which `memory.grow` counts in.
pub const PAGE: usize = 65536;

/// Size classes: class `k` holds blocks of `2^k` bytes.
const CLASSES: usize = 31;

/// The largest block: beyond it `next_power_of_two` could overflow a
/// 32-bit `usize`, and no request of the engine comes near.
const MAX_BLOCK: usize = 1 << 30;

/// The allocator's state: a free list per size class (each free block
/// holds the address of the next, 0 ending the list) and the unused rest
/// `next..end` of the memory grown last.
pub struct Heap {
    free: [usize; CLASSES],
    next: usize,
    end: usize,
}

impl Default for Heap {
    fn default() -> Self {
        Heap::new()
    }
}

/// The size class of a request, `None` when too large or too strictly
/// aligned to serve (the allocation then fails, as `GlobalAlloc` allows).
fn class(layout: Layout) -> Option<usize> {
    // At least a pointer's size, so that a free block can hold the link.
    let size = layout.size().max(layout.align()).max(std::mem::size_of::<usize>());
    if size > MAX_BLOCK || layout.align() > PAGE {
        return None;
    }
    Some(size.next_power_of_two().trailing_zeros() as usize)
}

impl Heap {
    pub const fn new() -> Heap {
        Heap { free: [0; CLASSES], next: 0, end: 0 }
    }

    /// A block for `layout`, or null. `grow(pages)` adds that many pages of
    /// memory and returns the address of the first, or `None` if it cannot.
    ///
    /// # Safety
    /// Every block on the free lists must be one this heap handed out and
    /// that was given back with [`Heap::dealloc`], and the memory `grow`
    /// returns must be this heap's alone.
    pub unsafe fn alloc(&mut self, layout: Layout, grow: impl FnOnce(usize) -> Option<usize>) -> *mut u8 {
        let Some(k) = class(layout) else {
            return std::ptr::null_mut();
        };
        let head = self.free[k];
        if head != 0 {
            // SAFETY: `head` is a free block of this class, which holds the link.
            self.free[k] = unsafe { (head as *const usize).read() };
            return head as *mut u8;
        }
        let size = 1usize << k;
        let align = size.min(PAGE);
        let mut start = self.next.next_multiple_of(align);
        if start.checked_add(size).is_none_or(|e| e > self.end) {
            let pages = size.div_ceil(PAGE);
            let Some(base) = grow(pages) else {
                return std::ptr::null_mut();
            };
            // New memory right after the old continues it; otherwise the
            // rest of the old is left unused. Either way the block fits:
            // `base` is page-aligned, so `start` is at most `base`.
            if base != self.end {
                self.next = base;
            }
            self.end = base + pages * PAGE;
            start = self.next.next_multiple_of(align);
        }
        self.next = start + size;
        start as *mut u8
    }

    /// Gives a block back.
    ///
    /// # Safety
    /// `ptr` must come from [`Heap::alloc`] (or [`Heap::realloc`]) on this
    /// heap with the same `layout`, and must not be used afterwards.
    pub unsafe fn dealloc(&mut self, ptr: *mut u8, layout: Layout) {
        if let Some(k) = class(layout) {
            // SAFETY: the block is at least a pointer in size and aligned to one.
            unsafe { (ptr as *mut usize).write(self.free[k]) };
            self.free[k] = ptr as usize;
        }
    }

    /// The block resized to `new_size`: the same block while the size class
    /// stays, else a new one with the contents copied.
    ///
    /// # Safety
    /// As for [`Heap::dealloc`]; `new_size` must not overflow when rounded
    /// up to `layout.align()`.
    pub unsafe fn realloc(
        &mut self,
        ptr: *mut u8,
        layout: Layout,
        new_size: usize,
        grow: impl FnOnce(usize) -> Option<usize>,
    ) -> *mut u8 {
        // SAFETY: the caller guarantees the size is valid for this alignment.
        let new = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        if class(layout).is_some() && class(new) == class(layout) {
            return ptr;
        }
        // SAFETY: as the caller guarantees for this heap.
        let moved = unsafe { self.alloc(new, grow) };
        if !moved.is_null() {
            // SAFETY: both blocks are live, distinct and at least this long.
            unsafe {
                std::ptr::copy_nonoverlapping(ptr, moved, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
        }
        moved
    }
}

#[cfg(target_arch = "wasm32")]
mod global {
    use super::{Heap, PAGE};
    use std::alloc::{GlobalAlloc, Layout};
    use std::cell::UnsafeCell;

    struct Global(UnsafeCell<Heap>);

    // SAFETY: wasm32-unknown-unknown without the atomics feature runs a
    // single thread, so the heap is never used from two at once.
    unsafe impl Sync for Global {}

    #[global_allocator]
    static GLOBAL: Global = Global(UnsafeCell::new(Heap::new()));

    fn grow(pages: usize) -> Option<usize> {
        let before = core::arch::wasm32::memory_grow(0, pages);
        (before != usize::MAX).then(|| before * PAGE)
    }

    // SAFETY: the heap only hands out blocks cut from memory it grew, which
    // nothing else uses, and never the same block twice while it is live.
    unsafe impl GlobalAlloc for Global {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            // SAFETY: one thread, and no allocation inside the allocator.
            unsafe { (*self.0.get()).alloc(layout, grow) }
        }

        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            // SAFETY: as in `alloc`; the caller gives back its own block.
            unsafe { (*self.0.get()).dealloc(ptr, layout) }
        }

        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            // SAFETY: as in `alloc` and `dealloc`.
            unsafe { (*self.0.get()).realloc(ptr, layout, new_size, grow) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::alloc::{alloc_zeroed, dealloc};

    /// Memory for a heap under test: `pages` pages, handed out by `grow`.
    struct Arena {
        base: *mut u8,
        pages: usize,
        used: usize,
    }

    impl Arena {
        fn new(pages: usize) -> Arena {
            let base = unsafe { alloc_zeroed(Layout::from_size_align(pages * PAGE, PAGE).unwrap()) };
            assert!(!base.is_null());
            Arena { base, pages, used: 0 }
        }

        fn grow(&mut self, pages: usize) -> Option<usize> {
            if self.used + pages > self.pages {
                return None;
            }
            let at = self.base as usize + self.used * PAGE;
            self.used += pages;
            Some(at)
        }

        fn contains(&self, ptr: usize, len: usize) -> bool {
            ptr >= self.base as usize && ptr + len <= self.base as usize + self.used * PAGE
        }
    }

    impl Drop for Arena {
        fn drop(&mut self) {
            unsafe { dealloc(self.base, Layout::from_size_align(self.pages * PAGE, PAGE).unwrap()) };
        }
    }

    #[derive(Debug, Clone)]
    enum Op {
        Alloc(usize, usize),
        Free(usize),
        Realloc(usize, usize),
    }

    fn arb_op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (prop_oneof![4 => 1usize..64, 4 => 64usize..3000, 1 => 3000usize..140_000], 0u32..5)
                .prop_map(|(size, a)| Op::Alloc(size, 1 << a)),
            any::<usize>().prop_map(Op::Free),
            (any::<usize>(), prop_oneof![3 => 1usize..3000, 1 => 3000usize..70_000])
                .prop_map(|(i, size)| Op::Realloc(i, size)),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        /// Live blocks are aligned, inside grown memory, never overlap, and
        /// keep their contents through `realloc`.
        #[test]
        fn blocks_are_sound(ops in prop::collection::vec(arb_op(), 1..200)) {
            let mut arena = Arena::new(1000);
            let mut heap = Heap::new();
            // (address, layout, fill byte)
            let mut live: Vec<(usize, Layout, u8)> = Vec::new();
            for (n, op) in ops.into_iter().enumerate() {
                let fill = n as u8;
                match op {
                    Op::Alloc(size, align) => {
                        let layout = Layout::from_size_align(size, align).unwrap();
                        let p = unsafe { heap.alloc(layout, |pages| arena.grow(pages)) };
                        prop_assert!(!p.is_null());
                        unsafe { std::ptr::write_bytes(p, fill, size) };
                        live.push((p as usize, layout, fill));
                    }
                    Op::Free(i) if !live.is_empty() => {
                        let (p, layout, _) = live.swap_remove(i % live.len());
                        unsafe { heap.dealloc(p as *mut u8, layout) };
                    }
                    Op::Realloc(i, size) if !live.is_empty() => {
                        let i = i % live.len();
                        let (p, layout, old) = live[i];
                        let q = unsafe { heap.realloc(p as *mut u8, layout, size, |pages| arena.grow(pages)) };
                        prop_assert!(!q.is_null());
                        let kept = unsafe { std::slice::from_raw_parts(q, layout.size().min(size)) };
                        prop_assert!(kept.iter().all(|&b| b == old));
                        unsafe { std::ptr::write_bytes(q, fill, size) };
                        live[i] = (q as usize, Layout::from_size_align(size, layout.align()).unwrap(), fill);
                    }
                    _ => {}
                }
                let mut spans: Vec<(usize, usize)> = live.iter().map(|&(p, l, _)| (p, l.size())).collect();
                spans.sort();
                for w in spans.windows(2) {
                    prop_assert!(w[0].0 + w[0].1 <= w[1].0, "blocks overlap: {:?}", w);
                }
                for &(p, layout, _) in &live {
                    prop_assert_eq!(p % layout.align(), 0);
                    prop_assert!(arena.contains(p, layout.size()));
                }
            }
            // Nothing the heap did since wrote into a live block.
            for &(p, layout, fill) in &live {
                let bytes = unsafe { std::slice::from_raw_parts(p as *const u8, layout.size()) };
                prop_assert!(bytes.iter().all(|&b| b == fill));
            }
        }
    }

    #[test]
    fn freed_blocks_are_reused_and_memory_stays_flat() {
        let mut arena = Arena::new(64);
        let mut heap = Heap::new();
        let layouts: Vec<Layout> = (1..40).map(|i| Layout::from_size_align(i * 37, 8).unwrap()).collect();
        let mut used_after_first = None;
        for _ in 0..50 {
            let blocks: Vec<*mut u8> =
                layouts.iter().map(|&l| unsafe { heap.alloc(l, |pages| arena.grow(pages)) }).collect();
            for (&p, &l) in blocks.iter().zip(&layouts) {
                unsafe { heap.dealloc(p, l) };
            }
            let used = *used_after_first.get_or_insert(arena.used);
            assert_eq!(arena.used, used);
        }
    }

    #[test]
    fn refuses_what_it_cannot_serve() {
        let mut arena = Arena::new(2);
        let mut heap = Heap::new();
        let big = Layout::from_size_align(3 * PAGE, 8).unwrap();
        assert!(unsafe { heap.alloc(big, |pages| arena.grow(pages)) }.is_null());
        let aligned = Layout::from_size_align(64, 2 * PAGE).unwrap();
        assert!(unsafe { heap.alloc(aligned, |pages| arena.grow(pages)) }.is_null());
        let huge = Layout::from_size_align(MAX_BLOCK + 1, 8).unwrap();
        assert!(unsafe { heap.alloc(huge, |pages| arena.grow(pages)) }.is_null());
        // A block that fits still comes, from the pages there are.
        let small = Layout::from_size_align(100, 8).unwrap();
        assert!(!unsafe { heap.alloc(small, |pages| arena.grow(pages)) }.is_null());
    }
}
