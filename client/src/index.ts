/**
 * @wechat-login/miniprogram-sdk: the mini program half of WeChat login. Use `auth.request(...)` where you would
 * use `wx.request(...)`; it logs in (once, however many requests are waiting), keeps the session in storage,
 * attaches it, and logs in again when the server stops accepting it.
 */

export type { AuthClient, AuthClientOptions, AuthRequestOptions, AuthSession } from './auth-client.js';
export { createAuthClient } from './auth-client.js';
export type { AuthErrorCode, LoginErrorCode } from './errors.js';
export { AuthError, LoginError, NetworkError } from './errors.js';
export type { AuthResponse } from './transport.js';
export type { WxLike } from './wx.js';
