namespace Realtime.Testing;

/// <summary>Waiting for things to happen, with a timeout, and never for a fixed time.</summary>
public static class Wait
{
    /// <summary>Generous: the CI machine has two cores and runs browsers beside the servers.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Awaits <paramref name="task"/> or fails with a message that says what was awaited.</summary>
    public static async Task<T> For<T>(Task<T> task, string what, TimeSpan? timeout = null)
    {
        try
        {
            return await task.WaitAsync(timeout ?? DefaultTimeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Timed out waiting for {what}.");
        }
    }

    /// <inheritdoc cref="For{T}(Task{T}, string, TimeSpan?)"/>
    public static async Task For(Task task, string what, TimeSpan? timeout = null)
    {
        try
        {
            await task.WaitAsync(timeout ?? DefaultTimeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Timed out waiting for {what}.");
        }
    }
}
