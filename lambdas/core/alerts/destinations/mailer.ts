/** SMTP server settings for the local mailer, with the password already resolved. */
export interface SmtpTarget {
  host: string;
  port: number;
  secure: boolean;
  username?: string;
  password?: string;
}

export interface MailMessage {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** A stable Message-ID (`<id@host>`) where the transport lets us set one, so clients can thread duplicates. */
  messageId: string;
  smtp?: SmtpTarget;
}

/**
 * Sends one e-mail: SES v2 SendEmail on AWS, SMTP (nodemailer) locally. Implementations throw
 * DeliveryError, retryable for throttling, 4xx SMTP replies and connection failures.
 */
export interface Mailer {
  send(message: MailMessage): Promise<{ messageId?: string }>;
}
