namespace Twofold.Mail;

/// <summary>A message ready for the outbox: one recipient, a plain-text and an HTML part.</summary>
public sealed record Email(string Kind, string ToAddress, string Subject, string TextBody, string HtmlBody);
