/** `wx-session-key-status` → `WxSessionKeyStatus`: construct ids from function names and routes. */
const pascalCase = (name: string): string =>
  name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');

export { pascalCase };
