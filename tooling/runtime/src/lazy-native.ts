/**
 * Makes a light stand-in pass for a native class (undici's Request or Headers): every member of
 * the native prototype the stand-in does not define itself (getters and methods alike) is
 * forwarded to the real object the stand-in makes on first need, `constructor` is the native
 * class and `instanceof` holds. What the stand-in defines stays its own (the fast paths).
 *
 * @example forwardToNative(FunctionRequest, NativeRequest, (light) => light[materialise]());
 */
export function forwardToNative<T extends object>(
  Light: abstract new (...args: never[]) => T,
  Native: abstract new (...args: never[]) => unknown,
  real: (light: T) => object,
): void {
  const own = new Set<PropertyKey>(Object.getOwnPropertyNames(Light.prototype));
  for (const key of Reflect.ownKeys(Native.prototype)) {
    if (own.has(key) || key === Symbol.toStringTag) continue;
    const descriptor = Object.getOwnPropertyDescriptor(Native.prototype, key);
    if (!descriptor) continue;
    if (descriptor.get) {
      const get = descriptor.get;
      Object.defineProperty(Light.prototype, key, {
        configurable: true,
        get(this: T) {
          return get.call(real(this));
        },
      });
    } else if (typeof descriptor.value === "function") {
      const method = descriptor.value as (...args: unknown[]) => unknown;
      Object.defineProperty(Light.prototype, key, {
        configurable: true,
        writable: true,
        value(this: T, ...args: unknown[]) {
          return method.apply(real(this), args);
        },
      });
    }
  }
  Object.defineProperty(Light.prototype, "constructor", {
    configurable: true,
    writable: true,
    value: Native,
  });
  Object.setPrototypeOf(Light.prototype, Native.prototype);
}
