import { z } from "zod";

/** What a new account needs besides its way of signing in; the server checks the same. */
export const passkeySignUpSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, "Give your name (up to 80 characters).")
    .max(80, "Give your name (up to 80 characters)."),
  email: z
    .email("Give a valid email address.")
    .max(254, "Give a valid email address.")
    .transform((email) => email.toLowerCase()),
});

export type PasskeySignUp = z.infer<typeof passkeySignUpSchema>;
