//! Every mistake a user can make with the macros fails to compile with a
//! message that names the fix, at the user's token.

#[test]
fn each_mistake_gives_one_error_that_names_the_fix() {
    trybuild::TestCases::new().compile_fail("fail/*.rs");
}
