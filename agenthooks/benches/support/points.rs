//! The point every benchmark of the executor times: a function with the
//! body of `baseline::direct`, for benchmarks that include this file.

/// A point `$point` on a function `$function` with the body of [`direct`];
/// more `#[hookpoint]` settings may follow.
macro_rules! point {
    ($point:ident, $function:ident $(, $($settings:tt)+)?) => {
        #[agenthooks::hookpoint($point $(, $($settings)+)?)]
        #[inline(never)]
        fn $function(session: &agenthooks::Session, value: u64) -> Result<u64, AgentError> {
            std::hint::black_box(session);
            Ok(value * 2)
        }
    };
}
