// Parses an otpauth:// URI with the npm package "otpauth" (an implementation we did not write) and
// prints what it understood as JSON, so the .NET tests can compare it with what the app meant.
// Usage: node parse-uri.mjs 'otpauth://totp/...' [unixSeconds]
import * as OTPAuth from "otpauth";

const [uri, at] = process.argv.slice(2);
if (!uri) {
  console.error("usage: node parse-uri.mjs <otpauth-uri> [unix-seconds]");
  process.exit(2);
}

const otp = OTPAuth.URI.parse(uri);
const result = {
  type: otp instanceof OTPAuth.TOTP ? "totp" : "hotp",
  issuer: otp.issuer,
  label: otp.label,
  secret: otp.secret.base32,
  algorithm: otp.algorithm,
  digits: otp.digits,
  period: otp.period,
};
if (at !== undefined) {
  // The code this implementation computes for the given instant, to compare with ours.
  result.code = otp.generate({ timestamp: Number(at) * 1000 });
}
console.log(JSON.stringify(result));
