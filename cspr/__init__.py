"""The practice review service: serious incident notifications, rapid reviews and local CSPRs."""
