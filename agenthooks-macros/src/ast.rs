//! Typed views of the items the macros annotate. Each keeps the user's
//! syntax nodes so that generated code and errors carry their spans.

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{
    Attribute, Block, FnArg, GenericArgument, Ident, ItemFn, Pat, PathArguments, ReturnType, Signature, Type,
    Visibility,
};

use crate::valid;

/// Whether a hook may change the arguments.
#[derive(Clone, Copy)]
pub(crate) enum Kind {
    /// `&mut Ctx<P>`.
    Interceptor,
    /// `&Ctx<P>`.
    Observer,
}

/// A function under `#[hook]`.
pub(crate) struct Hook {
    pub(crate) item: ItemFn,
    pub(crate) kind: Kind,
    /// `X` in the context type `Ctx<X>`, when the type is written that way.
    pub(crate) ctx_point: Option<Type>,
    /// Where errors about the return value point: the return type, or the
    /// name of a function that declares none.
    pub(crate) ret_span: Span,
}

impl Hook {
    pub(crate) fn new(item: ItemFn) -> syn::Result<Self> {
        let reference = valid::hook_signature(&item.sig)?;
        let kind = if reference.mutability.is_some() { Kind::Interceptor } else { Kind::Observer };
        let ctx_point = last_type_argument(&reference.elem).cloned();
        let ret_span = match &item.sig.output {
            ReturnType::Default => item.sig.ident.span(),
            ReturnType::Type(_, ty) => ty.span(),
        };
        Ok(Hook { item, kind, ctx_point, ret_span })
    }

    pub(crate) fn is_async(&self) -> bool {
        self.item.sig.asyncness.is_some()
    }
}

/// The last type argument of a path type: `X` in `Ctx<X>` or `Ctx<'_, X>`.
fn last_type_argument(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    let PathArguments::AngleBracketed(args) = &path.path.segments.last()?.arguments else { return None };
    args.args.iter().rev().find_map(|arg| match arg {
        GenericArgument::Type(ty) => Some(ty),
        _ => None,
    })
}

/// A function or method under `#[hookpoint]`, its arguments sorted into the
/// session and the fields of the context struct.
pub(crate) struct PointFn {
    pub(crate) attrs: Vec<Attribute>,
    pub(crate) vis: Visibility,
    /// The signature with `#[redact]` and `mut` taken off the arguments.
    pub(crate) sig: Signature,
    pub(crate) block: Box<Block>,
    /// The `&Session` argument.
    pub(crate) session: Ident,
    pub(crate) args: Vec<Arg>,
    /// The declared return type.
    pub(crate) ret: Type,
}

/// One argument of a hook point: a field of its context struct.
pub(crate) struct Arg {
    pub(crate) ident: Ident,
    pub(crate) mutable: bool,
    pub(crate) ty: Type,
    pub(crate) redact: bool,
}

impl PointFn {
    /// The view of a hook point's function; `in_agent` says it is a method
    /// of an `#[agent]` impl block, which may take `self`.
    pub(crate) fn new(
        attrs: Vec<Attribute>,
        vis: Visibility,
        mut sig: Signature,
        block: Box<Block>,
        in_agent: bool,
    ) -> syn::Result<Self> {
        let ret = valid::point_signature(&sig, in_agent)?;
        let mut errors: Option<syn::Error> = None;
        let mut session = None;
        let mut args = Vec::new();
        for input in &mut sig.inputs {
            let FnArg::Typed(typed) = input else { continue };
            let redact = take_redact(&mut typed.attrs);
            let result = if valid::is_session(&typed.ty) {
                valid::session_arg(&typed.pat, session.as_ref()).map(|ident| session = Some(ident))
            } else {
                valid::point_arg(&typed.pat, &typed.ty).map(|(ident, mutable)| {
                    args.push(Arg { ident, mutable, ty: (*typed.ty).clone(), redact });
                })
            };
            if let Err(error) = result {
                combine(&mut errors, error);
            }
            if let Pat::Ident(pat) = &mut *typed.pat {
                pat.mutability = None;
            }
        }
        match (session, errors) {
            (Some(session), None) => Ok(PointFn { attrs, vis, sig, block, session, args, ret }),
            (Some(_), Some(errors)) => Err(errors),
            (None, errors) => {
                let missing = valid::missing_session(&sig);
                Err(match errors {
                    Some(mut errors) => {
                        errors.combine(missing);
                        errors
                    }
                    None => missing,
                })
            }
        }
    }

    pub(crate) fn is_async(&self) -> bool {
        self.sig.asyncness.is_some()
    }
}

/// Removes `#[redact]` from an argument's attributes; says whether it was
/// there.
pub(crate) fn take_redact(attrs: &mut Vec<Attribute>) -> bool {
    let before = attrs.len();
    attrs.retain(|attr| !attr.path().is_ident("redact"));
    attrs.len() != before
}

/// Adds `error` to the errors found so far.
pub(crate) fn combine(errors: &mut Option<syn::Error>, error: syn::Error) {
    match errors {
        Some(errors) => errors.combine(error),
        None => *errors = Some(error),
    }
}
