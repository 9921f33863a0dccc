namespace RawWebSocket.Server;

/// <summary>The server's log lines, with event ids and names (the Korean texts are the book's).</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "새로운 클라이언트 접속 (ip: {Ip})", EventName = "Connected")]
    public static partial void Connected(ILogger logger, string ip);

    // The post logs the text alone: console.log(message.toString()).
    [LoggerMessage(2, LogLevel.Information, "{Message}", EventName = "MessageReceived")]
    public static partial void MessageReceived(ILogger logger, string message);

    [LoggerMessage(3, LogLevel.Information, "바이너리 메시지 {Length}바이트 (ip: {Ip})", EventName = "BinaryReceived")]
    public static partial void BinaryReceived(ILogger logger, string ip, long length);

    [LoggerMessage(4, LogLevel.Warning, "웹 소켓 오류 (ip: {Ip}): {Error}", EventName = "SocketError")]
    public static partial void SocketError(ILogger logger, string ip, string error);

    [LoggerMessage(5, LogLevel.Information, "클라이언트 접속 해제 (ip: {Ip})", EventName = "Disconnected")]
    public static partial void Disconnected(ILogger logger, string ip);

    [LoggerMessage(6, LogLevel.Warning, "메시지가 너무 큽니다 (ip: {Ip}, 최대 {Max}바이트): 1009로 연결을 닫습니다.", EventName = "MessageTooBig")]
    public static partial void MessageTooBig(ILogger logger, string ip, int max);

    [LoggerMessage(7, LogLevel.Warning, "잘못된 웹 소켓 핸드셰이크 (ip: {Ip}): {Status}으로 거절합니다.", EventName = "BadHandshake")]
    public static partial void BadHandshake(ILogger logger, string ip, int status);
}
