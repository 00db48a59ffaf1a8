//! A point with no hook linked costs one atomic load: the call allocates
//! nothing beyond what its body does. Counted with a per-thread counting
//! allocator, so tests running beside it do not disturb the count.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use agenthooks::{hook, hookpoint, Ctx, Outcome, Session};
use agenthooks_tests::AgentError;

struct CountingAllocator;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: every call is forwarded unchanged to the system allocator; the
// counter is a thread-local `Cell` that never allocates.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|count| count.set(count.get() + 1));
        // SAFETY: same contract as ours.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

fn allocations_during(run: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    run();
    ALLOCATIONS.with(Cell::get) - before
}

#[hookpoint(Unhooked)]
fn unhooked(session: &Session, query: String) -> Result<usize, AgentError> {
    Ok(query.len())
}

#[hookpoint(Hooked)]
fn hooked(session: &Session, query: String) -> Result<usize, AgentError> {
    Ok(query.len())
}

#[hook(Hooked)]
fn lengthen(ctx: &mut Ctx<Hooked>) -> Outcome {
    ctx.query.push('!');
    Outcome::Continue
}

#[test]
fn a_point_without_hooks_allocates_nothing() {
    let session = Session::new("s-1").with_tenant("acme");
    unhooked(&session, String::new()).unwrap(); // builds the (empty) table
    let queries: Vec<String> = (0..100).map(|i| format!("query {i}")).collect();
    let allocations = allocations_during(|| {
        for query in queries {
            std::hint::black_box(unhooked(&session, query).unwrap());
        }
    });
    assert_eq!(allocations, 0);
}

#[test]
fn a_point_with_a_hook_does_allocate_so_the_count_is_real() {
    let session = Session::new("s-1").with_tenant("acme");
    hooked(&session, String::new()).unwrap();
    let allocations = allocations_during(|| {
        std::hint::black_box(hooked(&session, "query".into()).unwrap());
    });
    assert!(allocations > 0);
}
