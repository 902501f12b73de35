package dev.refarch.realtime.producer;

/** The MSK SCRAM user; {@link #toString()} never shows the password. */
public record ScramCredentials(String username, String password) {

    @Override
    public String toString() {
        return "ScramCredentials[username=" + username + ", password=****]";
    }
}
