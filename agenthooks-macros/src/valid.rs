//! Checks that can be made before type-checking, each failing with a message
//! that names the fix and a span on the user's token.

use syn::spanned::Spanned;
use syn::{FnArg, GenericArgument, Ident, Pat, PathArguments, ReturnType, Signature, Type, TypeReference};

use crate::ast::combine;

const HOOK_ARGUMENT: &str =
    "a hook takes one argument, its context: `ctx: &mut Ctx<Point>` to change arguments, or `ctx: &Ctx<Point>` to read them";

/// Checks a hook's signature; returns its context argument's type.
pub(crate) fn hook_signature(sig: &Signature) -> syn::Result<&TypeReference> {
    let mut errors = None;
    if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
        combine(
            &mut errors,
            syn::Error::new_spanned(
                &sig.generics,
                "a hook cannot be generic: name the concrete point in its context type",
            ),
        );
    }
    let mut context = None;
    for input in &sig.inputs {
        match input {
            FnArg::Receiver(receiver) => combine(
                &mut errors,
                syn::Error::new_spanned(
                    receiver,
                    "a hook is a free function and cannot take `self`: move it out of the `impl` block",
                ),
            ),
            FnArg::Typed(typed) => match &*typed.ty {
                Type::Reference(reference) if context.is_none() => context = Some(reference),
                Type::Reference(_) => combine(&mut errors, syn::Error::new_spanned(typed, HOOK_ARGUMENT)),
                other => combine(&mut errors, syn::Error::new_spanned(other, HOOK_ARGUMENT)),
            },
        }
    }
    match (errors, context) {
        (Some(errors), _) => Err(errors),
        (None, Some(context)) => Ok(context),
        (None, None) => Err(syn::Error::new(sig.paren_token.span.join(), HOOK_ARGUMENT)),
    }
}

/// Checks a hook point's signature; returns its return type.
pub(crate) fn point_signature(sig: &Signature, in_agent: bool) -> syn::Result<Type> {
    let mut errors = None;
    if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
        combine(
            &mut errors,
            syn::Error::new_spanned(
                &sig.generics,
                "a hook point cannot be generic: its arguments become the fields of a context struct",
            ),
        );
    }
    if let (Some(receiver), false) = (sig.receiver(), in_agent) {
        combine(
            &mut errors,
            syn::Error::new_spanned(
                receiver,
                "`#[hookpoint]` on a method needs `#[agent]` on its impl block: an attribute on a method cannot add the context struct beside the `impl`",
            ),
        );
    }
    let ret = match &sig.output {
        ReturnType::Type(_, ty) => Some((**ty).clone()),
        ReturnType::Default => {
            combine(
                &mut errors,
                syn::Error::new_spanned(
                    &sig.ident,
                    "a hook point must return `Result<_, E>` with `E: From<agenthooks::HookError>`: a hook may block the call",
                ),
            );
            None
        }
    };
    match (errors, ret) {
        (None, Some(ret)) => Ok(ret),
        (Some(errors), _) => Err(errors),
        (None, None) => Err(syn::Error::new_spanned(&sig.ident, "a hook point must declare its return type")),
    }
}

/// Whether `ty` is `&Session` (any path ending in `Session`).
pub(crate) fn is_session(ty: &Type) -> bool {
    let Type::Reference(reference) = ty else { return false };
    let Type::Path(path) = &*reference.elem else { return false };
    reference.mutability.is_none() && path.path.segments.last().is_some_and(|segment| segment.ident == "Session")
}

/// Checks the `&Session` argument; `earlier` is one found before it.
pub(crate) fn session_arg(pat: &Pat, earlier: Option<&Ident>) -> syn::Result<Ident> {
    if earlier.is_some() {
        return Err(syn::Error::new_spanned(pat, "a hook point takes one `&Session` argument; remove this one"));
    }
    match pat {
        Pat::Ident(ident) if ident.subpat.is_none() => Ok(ident.ident.clone()),
        _ => Err(syn::Error::new_spanned(pat, "name the session argument: `session: &Session`")),
    }
}

/// Checks an argument that becomes a context field; returns its name and
/// whether it was declared `mut`.
pub(crate) fn point_arg(pat: &Pat, ty: &Type) -> syn::Result<(Ident, bool)> {
    let mut errors = None;
    let ident = match pat {
        Pat::Ident(ident) if ident.by_ref.is_none() && ident.subpat.is_none() => {
            Some((ident.ident.clone(), ident.mutability.is_some()))
        }
        _ => {
            combine(
                &mut errors,
                syn::Error::new_spanned(
                    pat,
                    "a hook point argument must be a plain name, like `query: String`: it becomes a field of the context struct",
                ),
            );
            None
        }
    };
    if borrows(ty) {
        combine(
            &mut errors,
            syn::Error::new(
                ty.span(),
                "a hook point argument must own its value, the context struct cannot hold a borrow: take an owned type (`String` for `&str`, `Vec<T>` for `&[T]`)",
            ),
        );
    }
    match (errors, ident) {
        (None, Some(ident)) => Ok(ident),
        (Some(errors), _) => Err(errors),
        (None, None) => Err(syn::Error::new_spanned(pat, "a hook point argument must be a plain name")),
    }
}

/// The error for a hook point without a `&Session` argument.
pub(crate) fn missing_session(sig: &Signature) -> syn::Error {
    syn::Error::new(
        sig.paren_token.span.join(),
        "a hook point needs the caller's session: add an argument `session: &agenthooks::Session`",
    )
}

/// Whether `ty` holds a borrow or an `impl Trait` anywhere.
fn borrows(ty: &Type) -> bool {
    match ty {
        Type::Reference(_) | Type::ImplTrait(_) | Type::Infer(_) => true,
        Type::Array(array) => borrows(&array.elem),
        Type::Slice(slice) => borrows(&slice.elem),
        Type::Paren(paren) => borrows(&paren.elem),
        Type::Group(group) => borrows(&group.elem),
        Type::Tuple(tuple) => tuple.elems.iter().any(borrows),
        Type::Path(path) => path.path.segments.iter().any(|segment| match &segment.arguments {
            PathArguments::AngleBracketed(args) => args.args.iter().any(|arg| match arg {
                GenericArgument::Lifetime(lifetime) => lifetime.ident != "static",
                GenericArgument::Type(ty) => borrows(ty),
                _ => false,
            }),
            _ => false,
        }),
        _ => false,
    }
}
