"""Routes of accounts: sign-up/in/out, one's own account, profile, expertise, tokens, export and deletion."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.responses import JSONResponse

from frontier.accounts import privacy, service, tokens
from frontier.accounts.auth import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    Admin,
    CallerDep,
    CurrentUser,
    Scope,
    rate_limit,
)
from frontier.accounts.schemas import (
    ExpertiseIn,
    ExpertiseOut,
    ExpertiseUpdate,
    PasswordChange,
    PasswordChanged,
    Profile,
    RoleChange,
    SignedIn,
    SignIn,
    SignUp,
    TokenCreated,
    TokenIn,
    TokenOut,
    UserOut,
    UserUpdate,
)
from frontier.api.deps import SessionDep, client_address, clock
from frontier.api.pagination import page_params
from frontier.api.problems import problem
from frontier.clock import Clock
from frontier.db.pagination import Page, PageParams
from frontier.errors import FieldProblem, InvalidInput
from frontier.security.ratelimit import (
    SIGN_IN_PER_ACCOUNT,
    SIGN_IN_PER_ACCOUNT_ADDRESS,
    SIGN_IN_PER_IP,
    SIGN_UP_PER_IP,
    Limit,
    RateLimiter,
    ip_key,
)

auth_router: APIRouter = APIRouter(prefix="/api/v1/auth", tags=["authentication"])
me_router: APIRouter = APIRouter(prefix="/api/v1/me", tags=["my account"], dependencies=[Depends(rate_limit)])

ClockDep = Annotated[Clock, Depends(clock)]


def _limit(request: Request, limit: Limit, key: str) -> None:
    limiter: RateLimiter = request.app.state.rate_limiter
    decision = limiter.hit(limit, key)
    if not decision.allowed:
        raise HTTPException(
            429, "too many attempts; retry later", headers={"Retry-After": str(decision.retry_after)}
        )


def _signed_in(request: Request, new: service.NewSession) -> JSONResponse:
    body = SignedIn(user=UserOut.model_validate(new.user), csrf_token=new.csrf_token)
    response = JSONResponse(body.model_dump(mode="json"))
    secure = request.app.state.settings.base_url.startswith("https://")
    max_age = int((new.expires_at - new.user.last_seen_at).total_seconds()) if new.user.last_seen_at else None
    response.set_cookie(
        SESSION_COOKIE, new.cookie, max_age=max_age, httponly=True, samesite="lax", secure=secure
    )
    # Readable by the page's script, which echoes it in X-CSRF-Token (htmx: hx-headers).
    response.set_cookie(
        CSRF_COOKIE, new.csrf_token, max_age=max_age, httponly=False, samesite="lax", secure=secure
    )
    return response


@auth_router.post("/signup", status_code=201, response_model=SignedIn, summary="Create an account")
def sign_up(request: Request, data: SignUp, session: SessionDep, now: ClockDep) -> JSONResponse:
    """Create an account and sign the browser in."""
    _limit(request, SIGN_UP_PER_IP, ip_key(client_address(request)))
    user = service.sign_up(session, data)
    response = _signed_in(
        request, service.start_session(session, user, request.headers.get("user-agent"), now.now())
    )
    response.status_code = 201
    return response


@auth_router.post(
    "/sessions",
    response_model=SignedIn,
    summary="Sign in",
    responses={401: {"description": "Wrong email or password"}, 429: {"description": "Too many"}},
)
def sign_in(request: Request, data: SignIn, session: SessionDep, now: ClockDep) -> JSONResponse:
    """Open a browser session. The answer is the same whether the email is unknown or the password wrong."""
    address = client_address(request)
    account = data.email.strip().lower()
    pair = f"{account} {ip_key(address)}"
    _limit(request, SIGN_IN_PER_IP, ip_key(address))
    _limit(request, SIGN_IN_PER_ACCOUNT_ADDRESS, pair)
    limiter: RateLimiter = request.app.state.rate_limiter
    account_wide = limiter.hit(SIGN_IN_PER_ACCOUNT, account)
    if not account_wide.allowed and not service.signed_in_before_from(session, account, address):
        raise HTTPException(
            429,
            "too many failed sign-ins for this account; retry later",
            headers={"Retry-After": str(account_wide.retry_after)},
        )
    user = service.authenticate(session, data.email, data.password, address)
    if user is None:
        # Answered, not raised, so the request's transaction commits the audit row of the failure.
        return problem(401, "Unauthorized", "email or password is wrong")
    limiter.reset(SIGN_IN_PER_ACCOUNT_ADDRESS, pair)
    limiter.reset(SIGN_IN_PER_ACCOUNT, account)
    return _signed_in(
        request, service.start_session(session, user, request.headers.get("user-agent"), now.now())
    )


@auth_router.delete("/sessions/current", status_code=204, summary="Sign out")
def sign_out(who: CallerDep, session: SessionDep) -> Response:
    """End this browser session (a no-op for token callers and anonymous visitors)."""
    if who.via == "session" and who.user_id and who.session_id:
        service.end_session(session, who.user_id, who.session_id)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE)
    response.delete_cookie(CSRF_COOKIE)
    return response


@me_router.get("", response_model=UserOut, summary="My account")
def get_me(who: CurrentUser, session: SessionDep) -> UserOut:
    """The signed-in account."""
    assert who.user_id is not None
    return UserOut.model_validate(service.get_user(session, who.user_id))


@me_router.patch("", response_model=UserOut, summary="Change my account")
def patch_me(who: CurrentUser, data: UserUpdate, session: SessionDep) -> UserOut:
    """Change display name or time zone."""
    assert who.user_id is not None
    return UserOut.model_validate(service.update_user(session, who.user_id, data))


@me_router.put("/password", response_model=PasswordChanged, summary="Change my password")
def put_password(
    who: CurrentUser, data: PasswordChange, session: SessionDep, now: ClockDep
) -> PasswordChanged:
    """Replace the password. Other browser sessions are signed out and every API and feed token is revoked
    (the answer counts both): whoever knew the old password may have made one."""
    assert who.user_id is not None
    return service.change_password(session, who.user_id, data, keep_session=who.session_id, now=now.now())


@me_router.get("/export", summary="Export all my data (JSON)")
def export(who: CurrentUser, session: SessionDep) -> JSONResponse:
    """Every row stored about the caller, as one JSON document."""
    assert who.user_id is not None
    data: dict[str, Any] = privacy.export_data(session, who.user_id)
    return JSONResponse(data, headers={"Content-Disposition": 'attachment; filename="frontier-export.json"'})


@me_router.delete("", status_code=204, summary="Delete my account")
def delete_me(
    who: CurrentUser,
    session: SessionDep,
    confirm_email: Annotated[str, Query(max_length=320, description="Your email, to confirm")],
) -> Response:
    """Delete the account and everything it owns, in one transaction."""
    assert who.user_id is not None
    user = service.get_user(session, who.user_id)
    if confirm_email.strip().lower() != user.email.lower():
        raise InvalidInput([FieldProblem("confirm_email", "must be your account's email")])
    privacy.delete_account(session, who.user_id)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE)
    response.delete_cookie(CSRF_COOKIE)
    return response


@me_router.get("/profile", response_model=Profile, summary="My enthusiast profile")
def get_profile(scope: Scope) -> Profile:
    """Focus areas, exploration style, curiosity drivers, expertise level, risk tolerance."""
    return service.get_profile(scope)


@me_router.put("/profile", response_model=Profile, summary="Replace my enthusiast profile")
def put_profile(request: Request, scope: Scope, data: Profile) -> Profile:
    """Replace the profile."""
    profile = service.put_profile(scope, data)
    request.app.state.cache.invalidate(None, user_id=scope.user_id)  # paths and picks depend on it
    return profile


@me_router.get("/expertise", response_model=list[ExpertiseOut], summary="My expertise")
def list_expertise(scope: Scope) -> list[ExpertiseOut]:
    """Expertise per technology."""
    return service.list_expertise(scope)


@me_router.post("/expertise", status_code=201, response_model=ExpertiseOut, summary="Add expertise")
def add_expertise(scope: Scope, data: ExpertiseIn) -> ExpertiseOut:
    """Record expertise in a catalogue technology."""
    return service.add_expertise(scope, data)


@me_router.get("/expertise/{expertise_id}", response_model=ExpertiseOut, summary="One expertise entry")
def get_expertise(scope: Scope, expertise_id: uuid.UUID) -> ExpertiseOut:
    """One expertise entry of the caller."""
    return service.get_expertise(scope, expertise_id)


@me_router.patch("/expertise/{expertise_id}", response_model=ExpertiseOut, summary="Change expertise")
def patch_expertise(scope: Scope, expertise_id: uuid.UUID, data: ExpertiseUpdate) -> ExpertiseOut:
    """Change one expertise entry."""
    return service.update_expertise(scope, expertise_id, data)


@me_router.delete("/expertise/{expertise_id}", status_code=204, summary="Remove expertise")
def delete_expertise(scope: Scope, expertise_id: uuid.UUID) -> Response:
    """Remove one expertise entry."""
    service.delete_expertise(scope, expertise_id)
    return Response(status_code=204)


@me_router.get("/tokens", response_model=list[TokenOut], summary="My tokens")
def list_tokens(scope: Scope) -> list[TokenOut]:
    """API and feed tokens (never their values)."""
    return tokens.list_tokens(scope)


@me_router.post("/tokens", status_code=201, response_model=TokenCreated, summary="Create a token")
def create_token(request: Request, scope: Scope, data: TokenIn, now: ClockDep) -> TokenCreated:
    """A new API token (Bearer) or feed token (private feed URLs); its value is shown only in this answer."""
    return tokens.create_token(scope, data, now.now(), request.app.state.settings.base_url)


@me_router.delete("/tokens/{token_id}", status_code=204, summary="Revoke a token")
def revoke_token(scope: Scope, token_id: uuid.UUID, now: ClockDep) -> Response:
    """Revoke a token; requests with it fail from now on."""
    tokens.revoke_token(scope, token_id, now.now())
    return Response(status_code=204)


admin_router: APIRouter = APIRouter(
    prefix="/api/v1/admin/users", tags=["admin"], dependencies=[Depends(rate_limit)]
)


@admin_router.get("", response_model=Page[UserOut], summary="List users (admin)")
def list_users(
    admin: Admin,
    session: SessionDep,
    page: Annotated[PageParams, Depends(page_params)],
) -> Page[UserOut]:
    """Accounts in creation order."""
    return service.list_users(session, page)


@admin_router.patch("/{user_id}", response_model=UserOut, summary="Change a user's role (admin)")
def change_role(admin: Admin, user_id: uuid.UUID, data: RoleChange, session: SessionDep) -> UserOut:
    """Make a member an admin or back."""
    assert admin.user_id is not None
    return UserOut.model_validate(service.set_role(session, admin.user_id, user_id, data.role))
