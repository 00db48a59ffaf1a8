//! Checks that can be made before type-checking, each failing with a message
//! that names the fix and a span on the user's token.

use syn::{
    FnArg, GenericArgument, GenericParam, Pat, PatIdent, PathArguments, ReturnType, Signature, Type, TypeReference,
};

use crate::errors::Errors;

const HOOK_ARGUMENT: &str =
    "a hook takes one argument, its context: `ctx: &mut Ctx<Point>` to change arguments, or `ctx: &Ctx<Point>` to read them";

/// Checks a hook's signature; returns the reference type of its context
/// argument.
pub(crate) fn hook_signature(sig: &Signature) -> syn::Result<&TypeReference> {
    let mut errors = Errors::default();
    errors.check(not_generic(sig, "a hook cannot be generic: name the concrete point in its context type"));
    if let Some(unsafety) = &sig.unsafety {
        errors.push(syn::Error::new_spanned(
            unsafety,
            "a hook cannot be an `unsafe fn`: the executor calls it with no safety contract to uphold; remove `unsafe`",
        ));
    }
    if let Some(receiver) = sig.receiver() {
        errors.push(syn::Error::new_spanned(
            receiver,
            "a hook is a free function and cannot take `self`: move it out of the `impl` block",
        ));
    }
    let mut typed = sig.inputs.iter().filter_map(|input| match input {
        FnArg::Typed(typed) => Some(typed),
        FnArg::Receiver(_) => None,
    });
    let context = match typed.next() {
        None => Err(syn::Error::new(sig.paren_token.span.join(), HOOK_ARGUMENT)),
        Some(first) => match &*first.ty {
            Type::Reference(reference) => Ok(reference),
            other => Err(syn::Error::new_spanned(other, HOOK_ARGUMENT)),
        },
    };
    for extra in typed {
        errors.push(syn::Error::new_spanned(extra, HOOK_ARGUMENT));
    }
    errors.finish(context)
}

/// Checks what a hook point's signature may not have: type or const
/// parameters, and a receiver outside an `#[agent]` impl block.
pub(crate) fn point_signature(sig: &Signature, in_agent: bool, errors: &mut Errors) {
    errors.check(not_generic(
        sig,
        "a hook point cannot be generic: its arguments become the fields of a context struct; use concrete types",
    ));
    if let (Some(receiver), false) = (sig.receiver(), in_agent) {
        errors.push(syn::Error::new_spanned(
            receiver,
            "`#[hookpoint]` on a method needs `#[agent]` on its impl block: an attribute on a method cannot add the context struct beside the `impl`",
        ));
    }
}

/// The declared return type of a hook point.
pub(crate) fn point_return(sig: &Signature) -> syn::Result<Type> {
    match &sig.output {
        ReturnType::Type(_, ty) => Ok((**ty).clone()),
        ReturnType::Default => Err(syn::Error::new_spanned(
            &sig.ident,
            "a hook point must return `Result<_, E>` with `E: From<agenthooks::HookError>`: a hook may block the call",
        )),
    }
}

/// The reference type of an argument that takes the caller's session: a
/// reference to a path ending in `Session`.
pub(crate) fn session_reference(ty: &Type) -> Option<&TypeReference> {
    let Type::Reference(reference) = ty else { return None };
    let Type::Path(path) = &*reference.elem else { return None };
    let named = path.qself.is_none() && path.path.segments.last().is_some_and(|segment| segment.ident == "Session");
    named.then_some(reference)
}

/// Checks the session argument; returns its name.
pub(crate) fn session_arg(pat: &Pat, ty: &TypeReference) -> syn::Result<syn::Ident> {
    let mut errors = Errors::default();
    if let Some(mutability) = &ty.mutability {
        errors.push(syn::Error::new_spanned(
            mutability,
            "the session is read-only: take it by shared reference, `session: &Session`",
        ));
    }
    let ident = match pat {
        Pat::Ident(PatIdent { ident, by_ref: None, subpat: None, .. }) => Ok(ident.clone()),
        _ => Err(syn::Error::new_spanned(pat, "name the session argument: `session: &Session`")),
    };
    errors.finish(ident)
}

/// Checks an argument that becomes a context field; returns its name and
/// whether it was declared `mut`.
pub(crate) fn point_arg(pat: &Pat, ty: &Type) -> syn::Result<(syn::Ident, bool)> {
    let mut errors = Errors::default();
    if borrows(ty) {
        errors.push(syn::Error::new_spanned(
            ty,
            "a hook point argument must own its value, the context struct cannot hold a borrow: take an owned type (`String` for `&str`, `Vec<T>` for `&[T]`)",
        ));
    }
    let field = match pat {
        Pat::Ident(PatIdent { ident, mutability, by_ref: None, subpat: None, .. }) => {
            Ok((ident.clone(), mutability.is_some()))
        }
        _ => Err(syn::Error::new_spanned(
            pat,
            "a hook point argument must be a plain name, like `query: String`: it becomes a field of the context struct",
        )),
    };
    errors.finish(field)
}

/// The error for a hook point without a `&Session` argument.
pub(crate) fn missing_session(sig: &Signature) -> syn::Error {
    syn::Error::new(
        sig.paren_token.span.join(),
        "a hook point needs the caller's session: add an argument `session: &agenthooks::Session`",
    )
}

/// The error for a second `&Session` argument.
pub(crate) fn second_session(pat: &Pat) -> syn::Error {
    syn::Error::new_spanned(pat, "a hook point takes one `&Session` argument; remove this one")
}

/// Fails with `message` at the type or const parameters or the `where`
/// clause of `sig`. Lifetime parameters are allowed: they name no type.
fn not_generic(sig: &Signature, message: &str) -> syn::Result<()> {
    let generics = &sig.generics;
    if let Some(param) = generics.params.iter().find(|param| !matches!(param, GenericParam::Lifetime(_))) {
        return Err(syn::Error::new_spanned(param, message));
    }
    match &generics.where_clause {
        Some(where_clause) => Err(syn::Error::new_spanned(where_clause, message)),
        None => Ok(()),
    }
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
