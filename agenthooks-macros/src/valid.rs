//! Checks that can be made before type-checking, each failing with a message
//! that names the fix and a span on the user's token.

use quote::ToTokens;
use syn::ext::IdentExt;
use syn::{
    Abi, Attribute, FnArg, GenericArgument, GenericParam, Pat, PatIdent, Path, PathArguments, ReturnType, Signature,
    Type, TypeReference,
};

use crate::ast::{is_hookpoint, is_redact};
use crate::attr::PatternArgs;
use crate::errors::Errors;
use crate::item::RawFn;
use crate::patterns::{DEFAULT_BACKOFF_MS, DEFAULT_TIMEOUT_MS};

const HOOK_ARGUMENT: &str =
    "a hook takes one argument, its context: `ctx: &mut Ctx<Point>` to change arguments, or `ctx: &Ctx<Point>` to read them";

const STRAY_REDACT: &str = "`#[redact]` goes on an argument of a `#[hookpoint]` function that carries user data, like `#[redact] api_key: String`: remove it here";

/// The error for a `#[redact]` where it means nothing.
pub(crate) fn stray_redact(attr: &Attribute) -> syn::Error {
    syn::Error::new_spanned(attr, STRAY_REDACT)
}

/// Whether `attr` of a function comes after the attribute being expanded.
/// One before it the compiler resolves itself, first, and reports when it
/// names nothing: the macro adds no second error about it.
fn after_call_site(attr: &Attribute) -> bool {
    if !proc_macro::is_available() {
        return true;
    }
    let (attr, call) = (attr.pound_token.span.unwrap(), proc_macro::Span::call_site());
    (attr.line(), attr.column()) > (call.line(), call.column())
}

/// Checks a hook function of `point`; returns the reference type of its
/// context argument.
pub(crate) fn hook_function<'a>(item: &'a RawFn, point: Option<&Path>) -> syn::Result<&'a TypeReference> {
    let mut errors = Errors::default();
    for attr in item.attrs.iter().filter(|attr| is_redact(attr) && after_call_site(attr)) {
        errors.push(stray_redact(attr));
    }
    for input in &item.sig.inputs {
        if let FnArg::Typed(typed) = input {
            for attr in typed.attrs.iter().filter(|attr| is_redact(attr)) {
                errors.push(stray_redact(attr));
            }
        }
    }
    if item.body.is_none() {
        errors.push(syn::Error::new_spanned(&item.sig, "`#[hook]` goes on an `fn` with a body: write the hook's body"));
    }
    let context = hook_signature(&item.sig, point);
    errors.finish(context)
}

/// Checks a hook's signature; returns the reference type of its context
/// argument.
fn hook_signature<'a>(sig: &'a Signature, point: Option<&Path>) -> syn::Result<&'a TypeReference> {
    let mut errors = Errors::default();
    errors.check(not_generic(sig, "a hook cannot be generic: name the concrete point in its context type"));
    if let Some(constness) = &sig.constness {
        errors.push(syn::Error::new_spanned(
            constness,
            "a hook cannot be a `const fn`: it runs at run time, on each call's arguments; remove `const`",
        ));
    }
    if let Some(unsafety) = &sig.unsafety {
        errors.push(syn::Error::new_spanned(
            unsafety,
            "a hook cannot be an `unsafe fn`: the executor calls it with no safety contract to uphold; remove `unsafe`",
        ));
    }
    if let Some(abi) = sig.abi.as_ref().filter(|abi| !is_rust(abi)) {
        let abi_text = abi.to_token_stream().to_string();
        let why = if unwinds(abi) {
            "the executor calls it as a Rust function, and its context and `Outcome` cannot cross a foreign-language boundary"
        } else {
            "a panic cannot unwind out of it, so it would abort the process instead of failing the hook"
        };
        errors.push(syn::Error::new_spanned(abi, format!("a hook cannot be `{abi_text}`: {why}; remove `{abi_text}`")));
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
            Type::Reference(reference) => context_names_point(reference, point).map(|()| reference),
            other => Err(syn::Error::new_spanned(other, HOOK_ARGUMENT)),
        },
    };
    for extra in typed {
        errors.push(syn::Error::new_spanned(extra, HOOK_ARGUMENT));
    }
    errors.finish(context)
}

/// Fails at a context type `Ctx` that names no point, saying to write the
/// one `#[hook(...)]` names.
fn context_names_point(reference: &TypeReference, point: Option<&Path>) -> syn::Result<()> {
    let Type::Path(path) = &*reference.elem else { return Ok(()) };
    match path.path.segments.last() {
        Some(last) if last.ident == "Ctx" && last.arguments.is_none() => {
            let mutability = if reference.mutability.is_some() { "&mut " } else { "&" };
            let point =
                point.map_or_else(|| "Point".to_owned(), |point| point.to_token_stream().to_string().replace(' ', ""));
            Err(syn::Error::new_spanned(
                &reference.elem,
                format!("name the point in the context type: `{mutability}Ctx<{point}>`"),
            ))
        }
        _ => Ok(()),
    }
}

/// Whether `abi` is `extern "Rust"`, the ABI of a function without one.
fn is_rust(abi: &Abi) -> bool {
    abi.name.as_ref().is_some_and(|name| name.value() == "Rust")
}

/// Whether a panic can unwind out of a function of this ABI.
fn unwinds(abi: &Abi) -> bool {
    abi.name.as_ref().is_some_and(|name| name.value().ends_with("-unwind"))
}

/// Checks the attributes of a hook point's function, the `#[hookpoint]`
/// being expanded aside: no `#[redact]`, no second `#[hookpoint]`.
pub(crate) fn point_attrs(attrs: &[Attribute], errors: &mut Errors) {
    for attr in attrs {
        if is_redact(attr) {
            if after_call_site(attr) {
                errors.push(stray_redact(attr));
            }
        } else if is_hookpoint(attr) {
            errors.push(syn::Error::new_spanned(
                attr,
                "a function declares one hook point: remove this second `#[hookpoint]`, or put it on another function that this one calls",
            ));
        }
    }
}

/// The error for `#[hookpoint]` on a function without a body: a trait
/// method's declaration.
pub(crate) fn point_without_body(sig: &Signature) -> syn::Error {
    syn::Error::new_spanned(
        sig,
        "a trait method cannot be a hook point: put `#[hookpoint]` on a method of an inherent `#[agent]` impl block, and call it from the trait's impl",
    )
}

/// Checks what a hook point's signature may not have: type or const
/// parameters, `const`, `unsafe`, an ABI, and a receiver outside an
/// `#[agent]` impl block.
pub(crate) fn point_signature(sig: &Signature, in_agent: bool, errors: &mut Errors) {
    errors.check(not_generic(
        sig,
        "a hook point cannot be generic: its arguments become the fields of a context struct; use concrete types",
    ));
    if let Some(constness) = &sig.constness {
        errors.push(syn::Error::new_spanned(
            constness,
            "a hook point cannot be a `const fn`: its hooks run at run time; remove `const`",
        ));
    }
    if let Some(unsafety) = &sig.unsafety {
        errors.push(syn::Error::new_spanned(
            unsafety,
            "a hook point cannot be an `unsafe fn`: hooks may change its arguments after the caller checked its safety contract; remove `unsafe` and call the unsafe code from the body",
        ));
    }
    if let Some(abi) = sig.abi.as_ref().filter(|abi| !is_rust(abi)) {
        let abi_text = abi.to_token_stream().to_string();
        errors.push(syn::Error::new_spanned(
            abi,
            format!(
                "a hook point cannot be `{abi_text}`: its `&Session` argument and `Result` cannot cross a foreign-language boundary; remove `{abi_text}` and, for foreign callers, write an `{abi_text} fn` that calls the point"
            ),
        ));
    }
    if let (Some(receiver), false) = (sig.receiver(), in_agent) {
        errors.push(syn::Error::new_spanned(
            receiver,
            "`#[hookpoint]` on a method needs `#[agent]` on its inherent impl block: an attribute on a method cannot add the context struct beside the `impl`",
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

/// How an argument takes the caller's session.
pub(crate) enum SessionType<'a> {
    /// `&Session` or `&mut Session`.
    Reference(&'a TypeReference),
    /// `Session`.
    Value(&'a Type),
}

/// How an argument takes the caller's session, if it does: by reference or
/// by value, a path ending in `Session`.
pub(crate) fn session_type(ty: &Type) -> Option<SessionType<'_>> {
    let names_session = |ty: &Type| {
        let Type::Path(path) = ty else { return false };
        path.qself.is_none() && path.path.segments.last().is_some_and(|segment| segment.ident == "Session")
    };
    match ty {
        Type::Reference(reference) if names_session(&reference.elem) => Some(SessionType::Reference(reference)),
        _ if names_session(ty) => Some(SessionType::Value(ty)),
        _ => None,
    }
}

/// The error for `#[redact]` on the session argument.
pub(crate) fn redacted_session(attr: &Attribute) -> syn::Error {
    syn::Error::new_spanned(
        attr,
        "the session cannot be redacted: its identity fields are written to every audit line by design; put `#[redact]` on an argument that carries user data",
    )
}

/// Checks the session argument; returns its name.
pub(crate) fn session_arg(pat: &Pat, ty: &SessionType<'_>) -> syn::Result<syn::Ident> {
    let mut errors = Errors::default();
    match ty {
        SessionType::Reference(TypeReference { mutability: Some(mutability), .. }) => {
            errors.push(syn::Error::new_spanned(
                mutability,
                "the session is read-only: take it by shared reference, `session: &Session`",
            ));
        }
        SessionType::Reference(_) => {}
        SessionType::Value(ty) => errors.push(syn::Error::new_spanned(
            ty,
            "take the caller's session by reference, `session: &Session`: the agent keeps it, hooks only read it",
        )),
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
    if let Some(opaque) = impl_trait(ty) {
        errors.push(syn::Error::new_spanned(
            opaque,
            "a hook point argument needs a concrete type, it becomes a field of the context struct: take the type the body uses, like `String` for `impl Into<String>`",
        ));
    } else if let Some((shared, fix)) = not_thread_safe(ty) {
        errors.push(syn::Error::new_spanned(
            shared,
            format!("a hook point argument must be `Send + Sync`, hooks may run on another thread: {fix}"),
        ));
    } else if borrows(ty) {
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

/// The error for `#[key]` on the session argument.
pub(crate) fn keyed_session(attr: &Attribute) -> syn::Error {
    syn::Error::new_spanned(
        attr,
        "the session cannot be a key: hooks choose tenants with `tenant = \"...\"`; put `#[key]` on a `String` argument hooks may match on, like `#[key] tool: String`",
    )
}

/// How many arguments may come before a `#[key]` argument: the executor
/// watches keys through a 64-bit mask of the point's fields, so that a hook
/// changing one fails.
pub(crate) const MAX_KEY_POSITION: usize = 64;

/// The error for `#[key]` on an argument past the first 64.
pub(crate) fn key_too_late(attr: &Attribute) -> syn::Error {
    syn::Error::new_spanned(
        attr,
        "a `#[key]` argument must be among a point's first 64 arguments, which the executor keeps hooks from changing; move it forward",
    )
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

/// The `impl Trait` in `ty`, if any.
fn impl_trait(ty: &Type) -> Option<&Type> {
    match ty {
        Type::ImplTrait(_) => Some(ty),
        _ => inner_types(ty).find_map(impl_trait),
    }
}

/// The part of `ty` that is certainly neither `Send` nor `Sync` (a raw
/// pointer, `Rc`, a `Cell`), with what to use instead. Other types that are
/// not thread-safe get the compiler's message.
fn not_thread_safe(ty: &Type) -> Option<(&Type, &'static str)> {
    let fix = match ty {
        Type::Ptr(_) => Some("take an owned value instead of a raw pointer"),
        Type::Path(path) => path.path.segments.last().and_then(|last| match last.ident.to_string().as_str() {
            "Rc" => Some("use `Arc` instead of `Rc`"),
            "RefCell" => Some("use `Mutex` or `RwLock` instead of `RefCell`"),
            "Cell" | "OnceCell" | "UnsafeCell" => Some("use an atomic, `Mutex` or `OnceLock` instead of a `Cell`"),
            _ => None,
        }),
        _ => None,
    };
    match fix {
        Some(fix) => Some((ty, fix)),
        None => inner_types(ty).find_map(not_thread_safe),
    }
}

/// The types written directly inside `ty`: elements, and type arguments of
/// its path segments.
fn inner_types(ty: &Type) -> Box<dyn Iterator<Item = &Type> + '_> {
    match ty {
        Type::Array(array) => Box::new(std::iter::once(&*array.elem)),
        Type::Slice(slice) => Box::new(std::iter::once(&*slice.elem)),
        Type::Paren(paren) => Box::new(std::iter::once(&*paren.elem)),
        Type::Group(group) => Box::new(std::iter::once(&*group.elem)),
        Type::Ptr(ptr) => Box::new(std::iter::once(&*ptr.elem)),
        Type::Reference(reference) => Box::new(std::iter::once(&*reference.elem)),
        Type::Tuple(tuple) => Box::new(tuple.elems.iter()),
        Type::Path(path) => Box::new(path.path.segments.iter().flat_map(|segment| {
            match &segment.arguments {
                PathArguments::AngleBracketed(args) => args
                    .args
                    .iter()
                    .filter_map(|arg| match arg {
                        GenericArgument::Type(ty) => Some(ty),
                        _ => None,
                    })
                    .collect::<Vec<_>>(),
                _ => Vec::new(),
            }
        })),
        _ => Box::new(std::iter::empty()),
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

/// Checks what `after = AfterName` needs of the point's function: a return
/// type the after point's context struct can hold and hooks on any thread
/// can share (owned, concrete, `Send + Sync`, naming no `Self`), and no
/// argument named `result`, the struct's field for the return value.
pub(crate) fn after_point<'a>(
    ret: &Type,
    mut args: impl Iterator<Item = &'a syn::Ident>,
    after: &syn::Ident,
) -> syn::Result<()> {
    let mut errors = Errors::default();
    let remove = format!("or remove `after = {after}`");
    if let Some(opaque) = impl_trait(ret) {
        errors.push(syn::Error::new_spanned(
            opaque,
            format!("an after point's result needs a concrete type, it becomes a field of its context struct: return the type itself, {remove}"),
        ));
    } else if let Some((shared, fix)) = not_thread_safe(ret) {
        errors.push(syn::Error::new_spanned(
            shared,
            format!(
                "an after point's result must be `Send + Sync`, its hooks may run on another thread: {fix}, {remove}"
            ),
        ));
    } else if borrows(ret) {
        errors.push(syn::Error::new_spanned(
            ret,
            format!("an after point's result must own its value, its context struct cannot hold a borrow: return an owned type (`String` for `&str`, `Vec<T>` for `&[T]`), {remove}"),
        ));
    } else if let Some(self_type) = names_self(ret) {
        errors.push(syn::Error::new_spanned(
            self_type,
            format!("name the type instead of `Self` here: the after point's context struct is declared outside the impl block, where `Self` means the struct itself; {remove}"),
        ));
    }
    if let Some(result) = args.find(|ident| ident.unraw() == "result") {
        errors.push(syn::Error::new_spanned(
            result,
            format!("rename this argument: `{after}` holds the return value in its field `result`, and the arguments in fields of their own names"),
        ));
    }
    errors.finish(Ok(()))
}

/// The `Self` type written in `ty`, if any.
fn names_self(ty: &Type) -> Option<&Type> {
    match ty {
        Type::Path(path)
            if path.qself.is_none() && path.path.segments.first().is_some_and(|first| first.ident == "Self") =>
        {
            Some(ty)
        }
        _ => inner_types(ty).find_map(names_self),
    }
}

/// Checks the hook's patterns against the hook: `retry` only on an `async
/// fn` hook, and a backoff shorter than the one time limit every attempt
/// runs within.
pub(crate) fn hook_patterns(patterns: &PatternArgs, timeout_ms: Option<u64>, is_async: bool) -> syn::Result<()> {
    let mut errors = Errors::default();
    if let Some((key, _)) = &patterns.retry {
        if !is_async {
            errors.push(syn::Error::new(
                key.span(),
                "`retry` runs a failing `async fn` hook again within its time limit; a plain `fn` hook blocks its thread and cannot be cut short: make the hook `async fn`, or remove `retry`",
            ));
        }
        let timeout_ms = timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS);
        let backoff_ms = patterns.backoff_ms.as_ref().map_or(DEFAULT_BACKOFF_MS, |(_, backoff)| *backoff);
        if backoff_ms >= timeout_ms {
            let span = patterns.backoff_ms.as_ref().map_or(key, |(key, _)| key).span();
            errors.push(syn::Error::new(
                span,
                format!("the backoff between retries ({backoff_ms} ms) must be shorter than the hook's `timeout_ms` ({timeout_ms} ms), which every attempt runs within: lower `backoff_ms` or raise `timeout_ms`"),
            ));
        }
    }
    errors.finish(Ok(()))
}
