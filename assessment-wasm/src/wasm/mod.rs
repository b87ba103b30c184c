//! What only the WebAssembly build needs: the bindings the page calls and
//! a memory allocator smaller than dlmalloc.

#[cfg(target_arch = "wasm32")]
mod bindings;
// The allocator is for the wasm build; natively only its tests use it.
#[cfg(any(target_arch = "wasm32", test))]
mod heap;
