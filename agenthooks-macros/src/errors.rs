//! Errors accumulated across the stages, so that every mistake in an item is
//! reported at once, each at its own token.

use proc_macro2::TokenStream;
use quote::ToTokens;

/// The errors found so far.
#[derive(Default)]
pub(crate) struct Errors(Option<syn::Error>);

impl Errors {
    /// Adds `error` to those found so far.
    pub(crate) fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(errors) => errors.combine(error),
            None => self.0 = Some(error),
        }
    }

    /// The value of `result`; its error, if any, joins the others.
    pub(crate) fn check<T>(&mut self, result: syn::Result<T>) -> Option<T> {
        result.map_err(|error| self.push(error)).ok()
    }

    /// The value of `result` when no error was found; otherwise every error
    /// found, `result`'s last.
    pub(crate) fn finish<T>(self, result: syn::Result<T>) -> syn::Result<T> {
        match (self.0, result) {
            (None, result) => result,
            (Some(errors), Ok(_)) => Err(errors),
            (Some(mut errors), Err(error)) => {
                errors.combine(error);
                Err(errors)
            }
        }
    }
}

impl ToTokens for Errors {
    /// One `compile_error!` per error.
    fn to_tokens(&self, tokens: &mut TokenStream) {
        if let Some(errors) = &self.0 {
            tokens.extend(errors.to_compile_error());
        }
    }
}

/// Both values, or the errors of both.
pub(crate) fn both<A, B>(a: syn::Result<A>, b: syn::Result<B>) -> syn::Result<(A, B)> {
    match (a, b) {
        (Ok(a), Ok(b)) => Ok((a, b)),
        (Err(error), Ok(_)) | (Ok(_), Err(error)) => Err(error),
        (Err(mut a), Err(b)) => {
            a.combine(b);
            Err(a)
        }
    }
}
