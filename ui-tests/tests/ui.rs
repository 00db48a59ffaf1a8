//! Every mistake a user can make with the macros fails to compile with a
//! message that names the fix, at the user's token.
//!
//! One file per mistake in `fail/`, the compiler's output beside it in a
//! `.stderr`. After changing a message, regenerate them with
//! `TRYBUILD=overwrite` and read the diff: the output depends on the exact
//! compiler version.

#[test]
fn each_mistake_fails_to_compile_with_a_message_that_names_the_fix() {
    trybuild::TestCases::new().compile_fail("fail/*.rs");
}
