//! Numbers for what lives at once, reused once released.
//!
//! A host registers its hooks under names of its own (its module, its
//! tenant), and a lifecycle mount under a path of its own, so that hosts
//! of several sessions live side by side. agenthooks keeps one copy of
//! every distinct hook name and setting for the life of the process, so
//! those names must come from a bounded set: each is numbered by the
//! smallest number no living host (or mount) holds, and the number is
//! given back when it is dropped. A server that mounts a host per session
//! then keeps as many names as it ever served sessions *at once*, however
//! many sessions it serves over its life.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::{Mutex, PoisonError};

/// A pool of numbers: the next never handed out, and those given back.
#[derive(Debug)]
pub(crate) struct Slots {
    free: Mutex<Free>,
}

#[derive(Debug)]
struct Free {
    next: u64,
    returned: BinaryHeap<Reverse<u64>>,
}

impl Slots {
    /// An empty pool, its first number 0.
    pub(crate) const fn new() -> Self {
        Slots { free: Mutex::new(Free { next: 0, returned: BinaryHeap::new() }) }
    }

    /// The smallest number nobody holds, held until the slot is dropped.
    pub(crate) fn take(&'static self) -> Slot {
        let mut free = self.free.lock().unwrap_or_else(PoisonError::into_inner);
        let number = if let Some(Reverse(number)) = free.returned.pop() {
            number
        } else {
            free.next += 1;
            free.next - 1
        };
        Slot { number, pool: self }
    }
}

/// A number held: given back to its pool when dropped.
#[derive(Debug)]
pub(crate) struct Slot {
    number: u64,
    pool: &'static Slots,
}

impl Slot {
    /// The number.
    pub(crate) fn number(&self) -> u64 {
        self.number
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.pool.free.lock().unwrap_or_else(PoisonError::into_inner).returned.push(Reverse(self.number));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_given_back_is_the_next_one_taken() {
        static POOL: Slots = Slots::new();
        let (zero, one, two) = (POOL.take(), POOL.take(), POOL.take());
        assert_eq!((zero.number(), one.number(), two.number()), (0, 1, 2));
        drop(two);
        drop(zero);
        let (first, second, third) = (POOL.take(), POOL.take(), POOL.take());
        assert_eq!((first.number(), second.number(), third.number()), (0, 2, 3), "the smallest free number first");
    }
}
