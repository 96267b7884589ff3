using System.Security.Cryptography;

namespace OrthancPortal.Features.Access;

/// <summary>One-time passwords for new users, resets and the first administrator.</summary>
public static class PasswordGenerator
{
    /// <summary>
    /// At least 20 characters (more if the policy asks for more) from an unambiguous alphabet, with each class the
    /// password policy may demand, never containing <paramref name="userName"/>: the result always passes the policy.
    /// </summary>
    public static string Generate(string? userName = null, int minLength = 20)
    {
        string password;
        do password = RandomPassword(Math.Max(20, minLength));
        while (UserNamePasswordValidator.Contains(password, userName));
        return password;
    }

    private static string RandomPassword(int length)
    {
        const string lower = "abcdefghijkmnpqrstuvwxyz", upper = "ABCDEFGHJKLMNPQRSTUVWXYZ", digits = "23456789", symbols = "-_.!+";
        var all = lower + upper + digits + symbols;
        var chars = new List<char>
        {
            lower[RandomNumberGenerator.GetInt32(lower.Length)], upper[RandomNumberGenerator.GetInt32(upper.Length)],
            digits[RandomNumberGenerator.GetInt32(digits.Length)], symbols[RandomNumberGenerator.GetInt32(symbols.Length)],
        };
        while (chars.Count < length) chars.Add(all[RandomNumberGenerator.GetInt32(all.Length)]);
        return new string(chars.OrderBy(_ => RandomNumberGenerator.GetInt32(int.MaxValue)).ToArray());
    }
}
